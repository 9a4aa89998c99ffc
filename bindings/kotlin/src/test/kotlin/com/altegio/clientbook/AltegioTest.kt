package com.altegio.clientbook

import com.altegio.clientbook.core.ContactStatus
import com.altegio.clientbook.core.HttpHeader
import com.altegio.clientbook.core.ContactsPermission
import com.altegio.clientbook.core.HttpMethod
import com.altegio.clientbook.core.PhoneLabel
import com.altegio.clientbook.core.ScreenPhase
import com.altegio.clientbook.core.HttpRequest
import com.altegio.clientbook.core.HttpResponse
import java.io.BufferedReader
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.test.AfterTest
import kotlin.test.BeforeTest
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

/**
 * The shell's side of the Altegio sync: an [HttpTransport] on java.net.http, the way an
 * Android app would wrap its own HTTP stack, talking to the local Altegio test server.
 */
class JavaHttpTransport : HttpTransport {
    private val client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
    val requests = AtomicInteger()

    override fun send(request: HttpRequest): HttpResponse {
        requests.incrementAndGet()
        val builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofMillis(request.timeoutMs.toLong()))
        // Host/Connection are the client's own business; everything else passes through.
        request.headers.forEach { builder.header(it.name, it.value) }
        val body = request.body
        when (request.method) {
            HttpMethod.GET -> builder.GET()
            HttpMethod.POST -> builder.POST(java.net.http.HttpRequest.BodyPublishers.ofString(body ?: ""))
            HttpMethod.PUT -> builder.PUT(java.net.http.HttpRequest.BodyPublishers.ofString(body ?: ""))
            HttpMethod.DELETE -> builder.DELETE()
        }
        try {
            val response = client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
            val headers = response.headers().map().flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            return HttpResponse(response.statusCode().toUShort(), headers, response.body())
        } catch (e: HttpTimeoutException) {
            throw ClientbookException.Network("timed out")
        } catch (e: java.io.IOException) {
            throw ClientbookException.Network("no response: ${e.javaClass.simpleName}")
        }
    }
}

class AltegioTest {
    private lateinit var server: Process
    private var port = 0

    /** The delete and edit rights are granted only where a test names them. */
    private var grants = ""

    @BeforeTest
    fun startServer() {
        val binary = System.getProperty("clientbook.testServer") ?: error("clientbook.testServer is not set")
        server = ProcessBuilder(binary, "--seed-clients", "25", "--grant", grants)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val line = BufferedReader(InputStreamReader(server.inputStream)).readLine() ?: error("test server did not start")
        port = line.removePrefix("PORT ").trim().toInt()
    }

    @AfterTest
    fun stopServer() {
        server.outputStream.close()
        server.destroy()
        server.waitFor()
    }

    private fun connect(db: ClientDatabase, transport: HttpTransport, userToken: String = "user-token") =
        AltegioConnection("http://127.0.0.1:$port", 4242L, "partner-token", userToken, "RU", db, transport)

    @Test
    fun `import into Altegio through a Kotlin HTTP transport, then nothing twice`() {
        val transport = JavaHttpTransport()
        ClientDatabase.inMemory().use { db ->
            connect(db, transport).use { connection ->
                val info = connection.info()
                assertEquals(fullRights().copy(clientsDeleteAccess = false, clientsEditAccess = false), info.rights)
                val contacts = Fixtures.generated(300)
                ImportSession.forAltegio(connection, contacts, Fixtures.granted, Fixtures.settings, null).use { s ->
                    assertEquals(300uL, s.summary().new)
                    s.selectAll()
                    val report = s.commit(null)
                    assertEquals(300, report.created.size)
                    assertEquals(300uL, s.summary().existingClient)
                }
                val refreshed = connection.refresh(true, null)
                assertEquals(325uL, refreshed.total)
                assertTrue(refreshed.complete)
                ImportSession.forAltegio(connection, contacts, Fixtures.granted, Fixtures.settings, null).use { again ->
                    assertEquals(0uL, again.selectAll())
                    assertTrue(again.rows(0u, 300u).all { it.status == ContactStatus.EXISTING_CLIENT })
                }
                ExportSession.forAltegio(connection, contacts.take(10), Fixtures.granted, Fixtures.settings).use { export ->
                    assertEquals(10uL, export.summary().inPhonebook)
                    assertEquals(315uL, export.selectAll())
                }
            }
        }
        assertTrue(transport.requests.get() > 5)
    }

    @Test
    fun `undo from the history list, the category and fill-in on Altegio, over PUT and DELETE`() {
        stopServer()
        grants = "clients_delete_access,clients_edit_access"
        startServer()
        val transport = JavaHttpTransport()
        ClientDatabase.inMemory().use { db ->
            connect(db, transport).use { connection ->
                val ru = Fixtures.settings.copy(locale = "ru")
                ImportScreen.altegio(connection, ru, null).use { screen ->
                    screen.permissionChanged(ContactsPermission.ANDROID_GRANTED)
                    // Seeded client 0 ("7903…0") gets an email from the phonebook.
                    val seeded = Fixtures.contact("s0", "Seeded 0", "+7 903 000-00-00" to PhoneLabel.MOBILE)
                        .copy(emails = listOf("seeded@example.com"))
                    val listed = screen.contactsRead(Fixtures.generated(12) + seeded)
                    assertEquals("Из телефонной книги", listed.category, "on by default on Altegio")
                    assertEquals(1uL, listed.fillInOffered)
                    screen.fillInAll(true)
                    screen.selectAll()
                    val done = screen.commit()
                    val report = done.report!!
                    assertEquals(12, report.created.size)
                    assertEquals(1, report.filled.size)
                    assertEquals(12uL, report.category?.set)
                    val history = screen.history()
                    assertEquals(12uL, history.single().created)
                    val undone = screen.undoImport(history.single().id)
                    assertEquals(ScreenPhase.RESULT, undone.phase)
                    assertEquals(12uL, undone.undoReport?.deleted)
                }
                assertEquals(25uL, connection.refresh(true, null).total)
            }
        }
    }

    @Test
    fun `a wrong token asks the user to sign in again`() {
        ClientDatabase.inMemory().use { db ->
            connect(db, JavaHttpTransport(), userToken = "expired").use { connection ->
                assertFailsWith<ClientbookException.SignInRequired> { connection.info() }
                assertFailsWith<ClientbookException.SignInRequired> {
                    ImportSession.forAltegio(connection, Fixtures.generated(3), Fixtures.granted, Fixtures.settings, null)
                }
            }
        }
    }
}
