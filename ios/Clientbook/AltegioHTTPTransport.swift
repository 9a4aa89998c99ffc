import Foundation
import Clientbook

/// URLSession as the core's HTTP transport for the Altegio sync, so TLS, proxies and App
/// Transport Security stay the platform's. The core decides retries, rate limits and what a
/// status means; this only moves bytes and never logs a request (its Authorization header
/// holds the tokens).
///
/// The core calls `send` synchronously on the screen's worker thread (`CoreWorker`), so the
/// call waits on a semaphore for URLSession's completion handler, which hands the outcome over
/// through a `Handoff` (no captured `var` is mutated from the `@Sendable` handler).
/// Redirects are refused, as on Android (`instanceFollowRedirects = false`): the 3xx comes back
/// to the core as it is, so the tokens never follow a `Location` to another host.
final class AltegioHTTPTransport: HttpTransport, Sendable {
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration, delegate: RefuseRedirects(), delegateQueue: nil)
    }

    deinit {
        // The session keeps its delegate until it is invalidated.
        session.finishTasksAndInvalidate()
    }

    func send(request: HttpRequest) throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw ClientbookError.BadInput(reason: "not a URL")
        }
        var urlRequest = URLRequest(url: url)
        switch request.method {
        case .get: urlRequest.httpMethod = "GET"
        case .post: urlRequest.httpMethod = "POST"
        case .put: urlRequest.httpMethod = "PUT"
        case .delete: urlRequest.httpMethod = "DELETE"
        }
        urlRequest.timeoutInterval = TimeInterval(request.timeoutMs) / 1000
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        urlRequest.httpBody = request.body.map { Data($0.utf8) }

        let done = DispatchSemaphore(value: 0)
        let outcome = Handoff<Result<HttpResponse, ClientbookError>>(.failure(.Network(reason: "no response")))
        let task = session.dataTask(with: urlRequest) { data, response, error in
            outcome.set(Self.outcome(data: data, response: response, error: error))
            done.signal()
        }
        task.resume()
        done.wait()
        return try outcome.get().get()
    }

    private static func outcome(data: Data?, response: URLResponse?, error: Error?) -> Result<HttpResponse, ClientbookError> {
        if let error = error as? URLError {
            // No answer: the core treats it as "may have happened" and checks before resending.
            return .failure(.Network(reason: error.code == .timedOut ? "timed out" : "no response (\(error.code.rawValue))"))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.Network(reason: "not an HTTP response"))
        }
        let headers = http.allHeaderFields.compactMap { key, value -> HttpHeader? in
            guard let name = key as? String else { return nil }
            return HttpHeader(name: name, value: "\(value)")
        }
        let body = data.flatMap { String(data: $0, encoding: .utf8) } ?? ""
        return .success(HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: body))
    }
}

/// Answers every redirect with "do not follow": URLSession then completes the task with the
/// redirect response itself. The completion handler is declared without `@Sendable` so the
/// method matches the optional requirement in every SDK (a near miss would never be called).
final class RefuseRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// One value passed from a callback thread to a waiting one. Every access holds the lock, which
/// is what makes the unchecked `Sendable` true.
final class Handoff<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func set(_ newValue: Value) {
        lock.lock()
        value = newValue
        lock.unlock()
    }

    func get() -> Value {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
