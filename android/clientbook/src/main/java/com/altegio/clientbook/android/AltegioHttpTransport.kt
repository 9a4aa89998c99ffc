package com.altegio.clientbook.android

import com.altegio.clientbook.ClientbookException
import com.altegio.clientbook.HttpTransport
import com.altegio.clientbook.core.HttpHeader
import com.altegio.clientbook.core.HttpMethod
import com.altegio.clientbook.core.HttpRequest
import com.altegio.clientbook.core.HttpResponse
import java.io.IOException
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URL

/**
 * The platform's HTTP stack for the core's Altegio sync: TLS, proxies and the system trust
 * store stay Android's. The core decides retries, rate limits and what a status means; this
 * class only moves bytes, and never logs a request (its Authorization header holds tokens).
 *
 * Called on the core's calling thread, which is already a background dispatcher.
 */
class AltegioHttpTransport : HttpTransport {
    override fun send(request: HttpRequest): HttpResponse {
        val connection = (URL(request.url).openConnection() as HttpURLConnection)
        try {
            connection.requestMethod = when (request.method) {
                HttpMethod.GET -> "GET"
                HttpMethod.POST -> "POST"
                HttpMethod.PUT -> "PUT"
                HttpMethod.DELETE -> "DELETE"
            }
            connection.connectTimeout = request.timeoutMs.toInt()
            connection.readTimeout = request.timeoutMs.toInt()
            connection.instanceFollowRedirects = false
            connection.useCaches = false
            request.headers.forEach { connection.setRequestProperty(it.name, it.value) }
            request.body?.let { body ->
                val bytes = body.toByteArray(Charsets.UTF_8)
                connection.doOutput = true
                connection.setFixedLengthStreamingMode(bytes.size)
                connection.outputStream.use { it.write(bytes) }
            }
            val status = connection.responseCode
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val body = stream?.bufferedReader(Charsets.UTF_8)?.use { it.readText() } ?: ""
            val headers = connection.headerFields
                .filterKeys { it != null }
                .flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            return HttpResponse(status.toUShort(), headers, body)
        } catch (e: SocketTimeoutException) {
            // No answer: the core treats it as "may have happened" and checks before resending.
            throw ClientbookException.Network("timed out")
        } catch (e: IOException) {
            throw ClientbookException.Network("no response (${e.javaClass.simpleName})")
        } finally {
            connection.disconnect()
        }
    }
}
