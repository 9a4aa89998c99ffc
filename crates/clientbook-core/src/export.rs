//! Export: clients → phonebook ("Save to phonebook").
//!
//! A client is already in the phonebook when any device contact carries its number (by
//! normalised key, so `8 916…` on the phone matches `+7916…` in the database) or when an
//! earlier export linked it to a device contact that still exists. Those are never written
//! again, which is what makes exporting twice write nothing.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::contact::{PhonebookContact, RawPhone};
use crate::error::{Error, Result};
use crate::phone::{self, PhoneLabel, Region};
use crate::rights::{Action, Rights};
use crate::store::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExportStatus {
    /// Not in the phonebook yet.
    New,
    InPhonebook,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExportRow {
    pub client_id: i64,
    pub name: String,
    pub surname: Option<String>,
    pub middle_name: Option<String>,
    pub display_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub status: ExportStatus,
    pub selected: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ExportSummary {
    pub new: u64,
    pub in_phonebook: u64,
    pub selected: u64,
    pub total: u64,
}

impl ExportSummary {
    /// The screen's summary line: "1,204 clients · 312 already on the phone".
    pub fn message(&self) -> crate::messages::Message {
        crate::messages::Message::ExportSummary {
            clients: self.total,
            on_phone: self.in_phonebook,
        }
    }
}

/// A client to write, ready for the platform's contact API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactToWrite {
    pub client_id: i64,
    pub contact: PhonebookContact,
}

#[derive(Debug, Clone)]
pub struct ExportPlan {
    rows: Vec<ExportRow>,
}

/// The phonebook's numbers, as keys.
pub fn phonebook_keys(phonebook: &[PhonebookContact], region: Region) -> HashSet<String> {
    phonebook
        .iter()
        .flat_map(|c| c.phones.iter())
        .filter_map(|p| phone::normalize(&p.number, p.label, region).key())
        .collect()
}

impl ExportPlan {
    /// Refuses without the export rights, naming each one missing.
    ///
    /// `linked` are clients an earlier export wrote to device contacts that still exist.
    pub fn build(
        rights: &Rights,
        clients: Vec<Client>,
        phonebook: &[PhonebookContact],
        linked: &HashSet<i64>,
        region: Region,
        last_name_hidden: bool,
    ) -> Result<ExportPlan> {
        rights.check(Action::Export).map_err(Error::MissingRights)?;
        let keys = phonebook_keys(phonebook, region);
        let rows = clients
            .into_iter()
            .map(|c| {
                let key = phone::match_key(&c.phone, c.phone_extension.as_deref());
                let status = if keys.contains(&key) || linked.contains(&c.id) {
                    ExportStatus::InPhonebook
                } else {
                    ExportStatus::New
                };
                let name = crate::name::ClientName {
                    name: c.name,
                    surname: c.surname,
                    middle_name: c.middle_name,
                };
                ExportRow {
                    client_id: c.id,
                    display_name: name.display_name(last_name_hidden),
                    name: name.name,
                    surname: name.surname,
                    middle_name: name.middle_name,
                    phone: dialable(&c.phone, c.phone_extension.as_deref()),
                    email: c.email,
                    status,
                    selected: false,
                }
            })
            .collect();
        tracing::debug!("export preview built");
        Ok(ExportPlan { rows })
    }

    pub fn rows(&self) -> &[ExportRow] {
        &self.rows
    }

    pub fn page(&self, offset: u64, limit: u64) -> &[ExportRow] {
        crate::list::page(&self.rows, offset, limit)
    }

    /// Ids of the clients whose name or number contains `query`, as the import list filters.
    pub fn filter(&self, query: &str) -> Vec<i64> {
        let query = crate::list::TextQuery::new(query);
        self.rows
            .iter()
            .filter(|r| {
                let names = [
                    Some(r.display_name.as_str()),
                    Some(r.name.as_str()),
                    r.surname.as_deref(),
                ];
                query.matches(names.into_iter().flatten(), [r.phone.as_str()])
            })
            .map(|r| r.client_id)
            .collect()
    }

    /// The rows of these clients, in the order given.
    pub fn rows_for(&self, client_ids: &[i64]) -> Result<Vec<ExportRow>> {
        client_ids
            .iter()
            .map(|id| {
                self.rows
                    .iter()
                    .find(|r| r.client_id == *id)
                    .cloned()
                    .ok_or_else(|| {
                        Error::BadInput(format!("there is no client {id} in this export"))
                    })
            })
            .collect()
    }

    pub fn summary(&self) -> ExportSummary {
        let mut s = ExportSummary {
            total: self.rows.len() as u64,
            ..Default::default()
        };
        for r in &self.rows {
            match r.status {
                ExportStatus::New => s.new += 1,
                ExportStatus::InPhonebook => s.in_phonebook += 1,
            }
            s.selected += r.selected as u64;
        }
        s
    }

    /// Selects every client not yet in the phonebook.
    pub fn select_all(&mut self) -> u64 {
        let mut n = 0;
        for r in &mut self.rows {
            r.selected = r.status == ExportStatus::New;
            n += r.selected as u64;
        }
        n
    }

    pub fn select_none(&mut self) {
        self.rows.iter_mut().for_each(|r| r.selected = false);
    }

    /// Selects or deselects a client by id. A client already in the phonebook cannot be
    /// selected: writing it would make a duplicate contact.
    pub fn set_selected(&mut self, client_id: i64, selected: bool) -> Result<()> {
        let row = self
            .rows
            .iter_mut()
            .find(|r| r.client_id == client_id)
            .ok_or_else(|| {
                Error::BadInput(format!("there is no client {client_id} in this export"))
            })?;
        if selected && row.status == ExportStatus::InPhonebook {
            return Err(Error::BadInput(format!(
                "client {client_id} is already in the phonebook"
            )));
        }
        row.selected = selected;
        Ok(())
    }

    pub fn toggle(&mut self, client_id: i64) -> Result<bool> {
        let now = !self
            .rows
            .iter()
            .find(|r| r.client_id == client_id)
            .is_some_and(|r| r.selected);
        self.set_selected(client_id, now)?;
        Ok(now)
    }

    /// The selected clients as phonebook contacts. `name` goes to the given name, never to a
    /// display-name-only field, so Android does not re-split it.
    pub fn contacts_to_write(&self) -> Vec<ContactToWrite> {
        self.rows
            .iter()
            .filter(|r| r.selected)
            .map(|r| ContactToWrite {
                client_id: r.client_id,
                contact: PhonebookContact {
                    platform_id: String::new(),
                    given_name: Some(r.name.clone()),
                    middle_name: r.middle_name.clone(),
                    family_name: r.surname.clone(),
                    // Written with the structured fields so Android does not re-split it;
                    // the full name, whatever the location shows in its own lists.
                    display_name: Some(
                        crate::name::ClientName {
                            name: r.name.clone(),
                            surname: r.surname.clone(),
                            middle_name: None,
                        }
                        .display_name(false),
                    ),
                    organization: None,
                    nickname: None,
                    // Written into the app's own group, so a later import does not suggest it.
                    in_app_group: true,
                    birthday: None,
                    phones: vec![RawPhone {
                        number: r.phone.clone(),
                        label: PhoneLabel::Mobile,
                    }],
                    emails: r.email.iter().cloned().collect(),
                },
            })
            .collect()
    }

    /// Marks clients as written, so the same plan cannot write them twice.
    pub fn mark_written(&mut self, client_ids: &HashSet<i64>) {
        for r in self
            .rows
            .iter_mut()
            .filter(|r| client_ids.contains(&r.client_id))
        {
            r.status = ExportStatus::InPhonebook;
            r.selected = false;
        }
    }
}

/// E.164 with the extension in a form every phone dials and re-reads.
fn dialable(e164: &str, extension: Option<&str>) -> String {
    match extension {
        Some(ext) => format!("{e164} ext. {ext}"),
        None => e164.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: i64, phone: &str) -> Client {
        Client {
            id,
            name: format!("N{id}"),
            surname: Some("S".into()),
            middle_name: None,
            phone: phone.into(),
            phone_extension: None,
            email: Some(format!("c{id}@example.com")),
        }
    }

    fn on_phone(number: &str) -> PhonebookContact {
        PhonebookContact {
            platform_id: "p".into(),
            phones: vec![RawPhone {
                number: number.into(),
                label: PhoneLabel::Mobile,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn refuses_without_rights_and_names_them() {
        let rights =
            Rights::parse_list("clients_access,clients_excel_access,clients_visit_master_id=0")
                .unwrap();
        let err = ExportPlan::build(
            &rights,
            vec![client(1, "+79160000001")],
            &[],
            &HashSet::new(),
            Region::default(),
            false,
        )
        .unwrap_err();
        match err {
            Error::MissingRights(m) => {
                assert_eq!(m.missing, vec![crate::rights::Right::ShowPhonesAndEmails])
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn clients_already_on_the_phone_are_not_written_again() {
        let clients = vec![
            client(1, "+79160000001"),
            client(2, "+79160000002"),
            client(3, "+79160000003"),
        ];
        let phonebook = vec![on_phone("8 (916) 000-00-01")];
        let linked = HashSet::from([3]);
        let mut plan = ExportPlan::build(
            &Rights::full(),
            clients,
            &phonebook,
            &linked,
            Region::default(),
            false,
        )
        .unwrap();
        assert_eq!(plan.summary().in_phonebook, 2);
        assert_eq!(plan.select_all(), 1);
        assert!(plan.set_selected(1, true).is_err());
        let out = plan.contacts_to_write();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].client_id, 2);
        assert_eq!(out[0].contact.given_name.as_deref(), Some("N2"));
        assert_eq!(out[0].contact.family_name.as_deref(), Some("S"));
        assert_eq!(out[0].contact.display_name.as_deref(), Some("N2 S"));
        assert_eq!(plan.filter("n2"), vec![2]);
        assert_eq!(plan.filter("0000003"), vec![3]);
        assert_eq!(
            plan.rows_for(&[3, 1])
                .unwrap()
                .iter()
                .map(|r| r.client_id)
                .collect::<Vec<_>>(),
            vec![3, 1]
        );
        assert!(plan.rows_for(&[99]).is_err());
        plan.mark_written(&HashSet::from([2]));
        assert_eq!(plan.select_all(), 0);
        assert!(plan.contacts_to_write().is_empty());
    }
}
