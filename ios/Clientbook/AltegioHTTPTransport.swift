import Foundation
import Clientbook

/// URLSession as the core's HTTP transport for the Altegio sync, so TLS, proxies and App
/// Transport Security stay the platform's. The core decides retries, rate limits and what a
/// status means; this only moves bytes and never logs a request (its Authorization header
/// holds the tokens).
///
/// The core calls `send` synchronously on the thread running the job (a detached task), so
/// the call waits on a semaphore for URLSession's completion handler.
final class AltegioHTTPTransport: HttpTransport, @unchecked Sendable {
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    func send(request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw ClientbookError.BadInput(reason: "not a URL")
        }
        var urlRequest = URLRequest(url: url)
        switch request.method {
        case .get: urlRequest.httpMethod = "GET"
        case .post: urlRequest.httpMethod = "POST"
        }
        urlRequest.timeoutInterval = TimeInterval(request.timeoutMs) / 1000
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = request.body.map { Data($0.utf8) }

        let done = DispatchSemaphore(value: 0)
        var outcome: Result<HttpResponse, ClientbookError> = .failure(.Network(reason: "no response"))
        let task = session.dataTask(with: urlRequest) { data, response, error in
            defer { done.signal() }
            if let error = error as? URLError {
                // No answer: the core treats it as "may have happened" and checks before resending.
                outcome = .failure(.Network(reason: error.code == .timedOut ? "timed out" : "no response (\(error.code.rawValue))"))
                return
            }
            guard let http = response as? HTTPURLResponse else {
                outcome = .failure(.Network(reason: "not an HTTP response"))
                return
            }
            let headers = http.allHeaderFields.compactMap { key, value -> HttpHeader? in
                guard let name = key as? String else { return nil }
                return HttpHeader(name: name, value: "\(value)")
            }
            let body = data.flatMap { String(data: $0, encoding: .utf8) } ?? ""
            outcome = .success(HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: body))
        }
        task.resume()
        done.wait()
        return try outcome.get()
    }
}
