//! Rights: what the signed-in user may do with the client database, in Altegio's own keys.
//!
//! The check lives in the core, not in the screens, so no shell can forget it. A refusal
//! names every missing right in the words the web settings page uses, because the person
//! who reads it has to go and ask the salon owner for exactly those.

use serde::{Deserialize, Serialize};

use crate::messages::{Locale, Message};

/// The user's client-database rights (`GET /user/permissions/{location_id}`, group `clients`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Rights {
    /// `clients_access`: may open the Client Database section.
    pub clients_access: bool,
    /// `clients_phones_email_access`: sees phone numbers and emails in the client list.
    pub clients_phones_email_access: bool,
    /// `clients_excel_access` (legacy `excel_access`): may download the client list.
    pub clients_excel_access: bool,
    /// `clients_visit_master_id`: 0 means clients of all employees are visible; any other
    /// value restricts the user to that team member's visitors.
    pub clients_visit_master_id: i64,
    /// `clients_delete_access`: may delete clients (needed to undo an import).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub clients_delete_access: bool,
    /// `clients_edit_access`: may edit clients (needed to fill in a missing email on Altegio,
    /// which rewrites the client's card).
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub clients_edit_access: bool,
}

/// One right a feature needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Right {
    ClientDatabaseAccess,
    ShowPhonesAndEmails,
    DownloadClientList,
    ShowClientsOfAllEmployees,
    DeleteClients,
}

impl Right {
    /// The right as the settings page names it, in `locale`.
    pub fn title_in(self, locale: Locale) -> String {
        Message::RightTitle { right: self }.render(locale)
    }

    /// The right as the English settings page names it (the catalogue's English entry).
    pub fn title(self) -> &'static str {
        match self {
            Right::ClientDatabaseAccess => "Access to the Client Database section",
            Right::ShowPhonesAndEmails => "Show phone numbers and emails in the list of clients",
            Right::DownloadClientList => "Download a list of clients in Excel",
            Right::ShowClientsOfAllEmployees => "Show clients of all employees",
            Right::DeleteClients => "Delete clients",
        }
    }

    /// Altegio's key, for logs and support.
    pub fn key(self) -> &'static str {
        match self {
            Right::ClientDatabaseAccess => "clients_access",
            Right::ShowPhonesAndEmails => "clients_phones_email_access",
            Right::DownloadClientList => "clients_excel_access",
            Right::ShowClientsOfAllEmployees => "clients_visit_master_id",
            Right::DeleteClients => "clients_delete_access",
        }
    }
}

/// What the user tried to do, for the refusal message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Action {
    Import,
    Export,
    /// Undo an import: delete the clients it created.
    Undo,
}

/// A refusal: the action and every right it lacked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingRights {
    pub action: Action,
    pub missing: Vec<Right>,
}

impl MissingRights {
    /// The refusal as a code: the action and every missing right.
    pub fn message(&self) -> Message {
        Message::MissingRights {
            action: self.action,
            rights: self.missing.clone(),
        }
    }

    /// The refusal in `locale`: what cannot be done, every missing right by its title, and
    /// where an administrator grants them.
    pub fn render(&self, locale: Locale) -> String {
        self.message().render(locale)
    }
}

/// English, for logs-free error chains and the command line's default.
impl std::fmt::Display for MissingRights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Locale::En))
    }
}

impl std::error::Error for MissingRights {}

/// The client list as `rights` may see it: needs access to the client database, and masks
/// numbers and emails without the phones-and-emails right.
pub fn visible_clients(
    rights: &Rights,
    clients: Vec<crate::store::Client>,
) -> Result<Vec<crate::store::Client>, crate::Error> {
    rights.check(Action::Import)?;
    Ok(clients.into_iter().map(|c| rights.view(c)).collect())
}

impl Rights {
    /// The client as this user may see them: without "Show phone numbers and emails in the
    /// list of clients" the number is masked and the email hidden, as Altegio's own client
    /// list does.
    pub fn view(&self, mut client: crate::store::Client) -> crate::store::Client {
        if !self.clients_phones_email_access {
            client.phone = crate::phone::mask(&client.phone);
            client.phone_extension = None;
            client.email = client.email.map(|_| "***".to_string());
        }
        client
    }

    /// Every right granted: the embedded default database belongs to whoever runs the tool.
    pub fn full() -> Self {
        Rights {
            clients_access: true,
            clients_phones_email_access: true,
            clients_excel_access: true,
            clients_visit_master_id: 0,
            clients_delete_access: true,
            clients_edit_access: true,
        }
    }

    /// Nothing granted.
    pub fn none() -> Self {
        Rights {
            clients_access: false,
            clients_phones_email_access: false,
            clients_excel_access: false,
            clients_visit_master_id: -1,
            clients_delete_access: false,
            clients_edit_access: false,
        }
    }

    /// Parses Altegio's keys, comma-separated: `clients_access,clients_excel_access,
    /// clients_visit_master_id=0`. A key left out is a right not granted.
    pub fn parse_list(list: &str) -> Result<Self, crate::Error> {
        let mut rights = Rights::none();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (k.trim(), Some(v.trim())),
                None => (item, None),
            };
            let flag = || match value {
                None | Some("1") | Some("true") => Ok(true),
                Some("0") | Some("false") => Ok(false),
                Some(other) => Err(crate::Error::BadInput(format!(
                    "right {key}: expected true or false, got {other:?}"
                ))),
            };
            match key {
                "clients_access" => rights.clients_access = flag()?,
                "clients_phones_email_access" => rights.clients_phones_email_access = flag()?,
                "clients_excel_access" | "excel_access" => rights.clients_excel_access = flag()?,
                "clients_delete_access" => rights.clients_delete_access = flag()?,
                "clients_edit_access" => rights.clients_edit_access = flag()?,
                "clients_visit_master_id" | "get_visit_master_id" => {
                    let v = value.ok_or_else(|| {
                        crate::Error::BadInput(format!("right {key} needs a value: {key}=0 means all employees"))
                    })?;
                    rights.clients_visit_master_id = v
                        .parse()
                        .map_err(|_| crate::Error::BadInput(format!("right {key}: {v:?} is not a team member id")))?;
                }
                other => {
                    return Err(crate::Error::BadInput(format!(
                        "unknown right {other:?}; known: clients_access, clients_phones_email_access, clients_excel_access, clients_visit_master_id=N, clients_delete_access, clients_edit_access"
                    )))
                }
            }
        }
        Ok(rights)
    }

    /// Reads the `clients` group of `GET /user/permissions/{location_id}`. YCLIENTS sends
    /// 1/0 where Altegio sends booleans; both are accepted. A missing key is not granted.
    pub fn from_permissions_json(clients: &serde_json::Value) -> Self {
        let flag = |k: &str| match clients.get(k) {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::Number(n)) => n.as_i64().is_some_and(|v| v != 0),
            _ => false,
        };
        let master = ["clients_visit_master_id", "get_visit_master_id"]
            .iter()
            .find_map(|k| {
                clients
                    .get(*k)
                    .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            })
            .unwrap_or(-1);
        Rights {
            clients_access: flag("clients_access"),
            clients_phones_email_access: flag("clients_phones_email_access"),
            clients_excel_access: flag("clients_excel_access") || flag("excel_access"),
            clients_visit_master_id: master,
            clients_delete_access: flag("clients_delete_access"),
            clients_edit_access: flag("clients_edit_access"),
        }
    }

    fn missing_for(&self, action: Action) -> Vec<Right> {
        let mut missing = Vec::new();
        match action {
            Action::Import => {
                if !self.clients_access {
                    missing.push(Right::ClientDatabaseAccess);
                }
            }
            Action::Export => {
                if !self.clients_phones_email_access {
                    missing.push(Right::ShowPhonesAndEmails);
                }
                if !self.clients_excel_access {
                    missing.push(Right::DownloadClientList);
                }
                if self.clients_visit_master_id != 0 {
                    missing.push(Right::ShowClientsOfAllEmployees);
                }
            }
            Action::Undo => {
                if !self.clients_access {
                    missing.push(Right::ClientDatabaseAccess);
                }
                if !self.clients_delete_access {
                    missing.push(Right::DeleteClients);
                }
            }
        }
        missing
    }

    /// `Ok` when the user may perform `action`, else every right that is missing.
    pub fn check(&self, action: Action) -> Result<(), MissingRights> {
        let missing = self.missing_for(action);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(MissingRights { action, missing })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_needs_only_client_database_access() {
        let r = Rights::parse_list("clients_access").unwrap();
        assert!(r.check(Action::Import).is_ok());
        let err = r.check(Action::Export).unwrap_err();
        assert_eq!(
            err.missing,
            vec![
                Right::ShowPhonesAndEmails,
                Right::DownloadClientList,
                Right::ShowClientsOfAllEmployees
            ]
        );
    }

    #[test]
    fn refusal_names_each_right_and_where_to_grant_it() {
        let r = Rights::parse_list(
            "clients_access,clients_phones_email_access,clients_visit_master_id=12",
        )
        .unwrap();
        let text = r.check(Action::Export).unwrap_err().to_string();
        assert!(
            text.contains("\"Download a list of clients in Excel\""),
            "{text}"
        );
        assert!(text.contains("\"Show clients of all employees\""), "{text}");
        assert!(!text.contains("Show phone numbers"), "{text}");
        assert!(
            text.contains("Settings > System settings > Users"),
            "{text}"
        );
        let text = Rights::none()
            .check(Action::Import)
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("the right \"Access to the Client Database section\""),
            "{text}"
        );
    }

    #[test]
    fn refusal_in_russian_names_the_rights_and_the_settings_page() {
        let text = Rights::none()
            .check(Action::Export)
            .unwrap_err()
            .render(Locale::Ru);
        assert!(text.starts_with("Нельзя сохранить клиентов"), "{text}");
        assert!(text.contains("нет прав «Показывать телефоны"), "{text}");
        assert!(
            text.contains("Настройки > Системные настройки > Пользователи"),
            "{text}"
        );
        let one = Rights::none()
            .check(Action::Import)
            .unwrap_err()
            .render(Locale::Ru);
        assert!(one.contains("нет права «Доступ к разделу"), "{one}");
        for right in [
            Right::ClientDatabaseAccess,
            Right::ShowPhonesAndEmails,
            Right::DownloadClientList,
            Right::ShowClientsOfAllEmployees,
        ] {
            assert_eq!(right.title_in(Locale::En), right.title());
            assert_ne!(right.title_in(Locale::Ru), right.title());
        }
    }

    #[test]
    fn full_list_grants_export() {
        let r = Rights::parse_list(
            "clients_access,clients_phones_email_access,clients_excel_access,clients_visit_master_id=0,clients_delete_access,clients_edit_access",
        )
        .unwrap();
        assert_eq!(r, Rights::full());
        assert!(r.check(Action::Export).is_ok());
    }

    #[test]
    fn bad_lists_are_errors() {
        assert!(Rights::parse_list("clients_acces").is_err());
        assert!(Rights::parse_list("clients_visit_master_id").is_err());
        assert!(Rights::parse_list("clients_visit_master_id=x").is_err());
        assert!(Rights::parse_list("clients_access=maybe").is_err());
        assert_eq!(Rights::parse_list("").unwrap(), Rights::none());
    }

    #[test]
    fn permissions_json_in_both_dialects() {
        let altegio = serde_json::json!({"clients_access": true, "clients_phones_email_access": true,
            "clients_excel_access": false, "clients_visit_master_id": 0});
        let r = Rights::from_permissions_json(&altegio);
        assert_eq!(
            r.check(Action::Export).unwrap_err().missing,
            vec![Right::DownloadClientList]
        );
        let yclients = serde_json::json!({"clients_access": 1, "clients_phones_email_access": 1,
            "excel_access": 1, "get_visit_master_id": "0", "clients_delete_access": 1, "clients_edit_access": 1});
        assert_eq!(Rights::from_permissions_json(&yclients), Rights::full());
        assert_eq!(
            Rights::from_permissions_json(&serde_json::json!({})),
            Rights::none()
        );
    }
}
