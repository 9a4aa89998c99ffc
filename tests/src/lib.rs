//! Shared pieces of the end-to-end tests: deterministic phonebooks and a fast politeness
//! setting for a server on loopback.

use std::time::Duration;

use clientbook_core::altegio::{AltegioClient, Credentials, Politeness};
use clientbook_core::contact::{PhonebookContact, RawPhone};
use clientbook_core::phone::PhoneLabel;

/// `count` people with distinct valid Russian mobiles in mixed spellings.
pub fn phonebook(count: usize) -> Vec<PhonebookContact> {
    (0..count)
        .map(|i| {
            let d = format!("{i:07}");
            let number = match i % 3 {
                0 => format!("+7 916 {d}"),
                1 => format!("8 (916) {}-{}-{}", &d[..3], &d[3..5], &d[5..]),
                _ => format!("8916{d}"),
            };
            PhonebookContact {
                platform_id: format!("c{i}"),
                given_name: Some(format!("Client{i}")),
                family_name: Some(format!("Family{i}")),
                phones: vec![RawPhone {
                    number,
                    label: PhoneLabel::Mobile,
                }],
                ..Default::default()
            }
        })
        .collect()
}

/// The digits Altegio stores for `phonebook(..)[i]`.
pub fn phone_digits(i: usize) -> String {
    format!("7916{i:07}")
}

/// Limits far above Altegio's, backoff in milliseconds: the local server is the only peer.
pub fn fast() -> Politeness {
    Politeness {
        per_second: 10_000,
        per_minute: 1_000_000,
        max_attempts: 8,
        base_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(40),
        timeout: Duration::from_millis(400),
        // The test server's late writes land 700 ms after arrival: inside 400 + 600 ms.
        apply_margin: Duration::from_millis(600),
    }
}

/// Altegio's limits (5 a second, 200 a minute) times four, with `fast()`'s timeouts: for a
/// server enforcing the same fourfold limits, so politeness is tested in a quarter of the
/// time while an unpaced client (about 40 requests a second here) still exceeds them.
pub fn scaled() -> Politeness {
    Politeness {
        per_second: 20,
        per_minute: 800,
        ..fast()
    }
}

pub fn client(
    url: &str,
    location: i64,
    partner: &str,
    user: &str,
    policy: Politeness,
) -> AltegioClient {
    AltegioClient::new(
        url,
        location,
        Credentials::new(partner, user),
        Box::new(altegio_testserver::LoopbackTransport),
        policy,
    )
}

/// An import preview against the remote base, as the sync tests need it without a session:
/// the import right checked, the mirror brought up to date (new clients only), then the
/// plan built against its index, like `ImportSession::open` on an Altegio target does.
pub fn remote_preview(
    store: &clientbook_core::store::Store,
    api: &AltegioClient,
    region: clientbook_core::phone::Region,
    contacts: &[PhonebookContact],
    progress: &mut dyn FnMut(u64, u64),
    cancel: &clientbook_core::cancel::CancelToken,
) -> clientbook_core::Result<clientbook_core::import::ImportPlan> {
    use clientbook_core::altegio::Call;
    use clientbook_core::sync::{self, RefreshMode};
    let context = sync::connect(api, &Call::new(cancel).logged_in(store))?;
    context
        .rights
        .check(clientbook_core::rights::Action::Import)?;
    sync::refresh_mirror(
        store,
        api,
        region,
        RefreshMode::NewOnly,
        &mut |_, _| {},
        cancel,
    )?;
    let index = store.mirror_index(api.location_id())?;
    let options = clientbook_core::import::PreviewOptions {
        region,
        last_name_hidden: context.last_name_hidden,
        altegio: true,
        ..Default::default()
    };
    Ok(clientbook_core::import::ImportPlan::build(
        contacts, &index, options, progress,
    ))
}
