//! The command line's HTTP transport: ureq with rustls. On phones the shells bring their own
//! (the platform's stack); the core never owns TLS.

use std::io::Read;
use std::time::Duration;

use clientbook_core::altegio::{HttpHeader, HttpRequest, HttpResponse, Transport, TransportError};

pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            // Status codes are the core's to interpret (401, 402, 429 …), not errors here.
            .http_status_as_error(false)
            .user_agent(concat!("clientbook/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        UreqTransport { agent }
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let timeout = Some(Duration::from_millis(u64::from(request.timeout_ms.max(1))));
        let fail = |e: ureq::Error| TransportError(e.to_string());
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&request.url);
        for h in &request.headers {
            builder = builder.header(&h.name, &h.value);
        }
        let body = request.body.unwrap_or_default();
        let http_request = builder
            .body(body)
            .map_err(|e| TransportError(e.to_string()))?;
        let configured = self
            .agent
            .configure_request(http_request)
            .timeout_global(timeout)
            .build();
        let mut response = self.agent.run(configured).map_err(fail)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| HttpHeader {
                name: k.as_str().to_string(),
                value: v.to_str().unwrap_or("").to_string(),
            })
            .collect();
        let mut text = String::new();
        response
            .body_mut()
            .as_reader()
            .read_to_string(&mut text)
            .map_err(|e| TransportError(format!("reading the response: {e}")))?;
        Ok(HttpResponse {
            status,
            headers,
            body: text,
        })
    }
}
