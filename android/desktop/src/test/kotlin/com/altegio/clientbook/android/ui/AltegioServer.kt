package com.altegio.clientbook.android.ui

import com.altegio.clientbook.AltegioConnection
import com.altegio.clientbook.ClientDatabase
import com.altegio.clientbook.ClientbookException
import com.altegio.clientbook.HttpTransport
import com.altegio.clientbook.core.HttpHeader
import com.altegio.clientbook.core.HttpMethod
import com.altegio.clientbook.core.HttpRequest
import com.altegio.clientbook.core.HttpResponse
import java.io.BufferedReader
import java.io.IOException
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.time.Duration

/**
 * The workspace's loopback Altegio server (crates/altegio-testserver, built by the pom), for
 * the states only Altegio produces: an undo with a request per client, its progress, and one
 * cancelled partway. [grants] are the extra rights the server gives the user.
 */
class AltegioServer(grants: String) : AutoCloseable {
    private val process: Process
    private val port: Int

    init {
        val binary = System.getProperty("clientbook.testServer") ?: error("clientbook.testServer is not set")
        process = ProcessBuilder(binary, "--grant", grants).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val line = BufferedReader(InputStreamReader(process.inputStream)).readLine() ?: error("the test server did not start")
        port = line.removePrefix("PORT ").trim().toInt()
    }

    fun connect(db: ClientDatabase) =
        AltegioConnection("http://127.0.0.1:$port", 4242L, "partner-token", "user-token", "RU", db, JavaHttpTransport())

    override fun close() {
        process.outputStream.close()
        process.destroy()
        process.waitFor()
    }
}

/** The shell's HTTP stack for the core, on java.net.http (the Android app uses HttpURLConnection). */
private class JavaHttpTransport : HttpTransport {
    private val client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    override fun send(request: HttpRequest): HttpResponse {
        val builder = java.net.http.HttpRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofMillis(request.timeoutMs.toLong()))
        request.headers.forEach { builder.header(it.name, it.value) }
        val body = java.net.http.HttpRequest.BodyPublishers.ofString(request.body ?: "")
        when (request.method) {
            HttpMethod.GET -> builder.GET()
            HttpMethod.POST -> builder.POST(body)
            HttpMethod.PUT -> builder.PUT(body)
            HttpMethod.DELETE -> builder.DELETE()
        }
        try {
            val response = client.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString())
            val headers = response.headers().map().flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            return HttpResponse(response.statusCode().toUShort(), headers, response.body())
        } catch (e: HttpTimeoutException) {
            throw ClientbookException.Network("timed out")
        } catch (e: IOException) {
            throw ClientbookException.Network("no response: ${e.javaClass.simpleName}")
        }
    }
}
