//! The device's contacts permission, and what the screen should do about it.
//!
//! Both platforms' states live here so Android and iOS make the same decision, including the
//! two that apps get wrong most: Android's "denied twice" (the system dialog no longer shows,
//! only Settings helps) and iOS 18's `limited` (only contacts the user picked are visible).

use serde::{Deserialize, Serialize};

use crate::messages::{Locale, Message};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ContactsPermission {
    AndroidGranted,
    /// Denied, and the system dialog may be shown again.
    AndroidDenied,
    /// Denied with "don't ask again" (or twice on Android 11+): only Settings can grant it.
    AndroidPermanentlyDenied,
    IosNotDetermined,
    /// Parental controls or device management: the user cannot change it.
    IosRestricted,
    IosDenied,
    IosAuthorized,
    /// iOS 18+: only the contacts the user picked are visible.
    IosLimited,
}

/// The next step for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PermissionAction {
    /// Read the phonebook.
    Proceed,
    /// Read what is visible, and offer the system picker to share more contacts.
    ProceedLimited,
    /// Show the system permission dialog.
    RequestPermission,
    /// The dialog will not appear again: explain and open the app's system settings.
    OpenSettings,
    /// Nobody on this device can grant it: explain, offer nothing.
    Unavailable,
}

/// What the screen says and offers for a permission state, in the locale asked for. The
/// code is `action`; the texts are `Message::Permission{Title,Explanation,Button}` of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PermissionAdvice {
    pub action: PermissionAction,
    /// What to tell staff, in plain words.
    pub explanation: String,
    /// A short heading for the explanation.
    pub title: String,
    /// The label of the button that performs `action` ("Allow access", "Open settings").
    pub action_label: String,
}

impl ContactsPermission {
    /// Whether contacts may be read now (possibly only some of them).
    pub fn can_read(self) -> bool {
        matches!(
            self,
            ContactsPermission::AndroidGranted
                | ContactsPermission::IosAuthorized
                | ContactsPermission::IosLimited
        )
    }

    /// The advice in English.
    pub fn advice(self) -> PermissionAdvice {
        self.advice_in(Locale::En)
    }

    /// The next step for the screen, with its texts in `locale`.
    pub fn advice_in(self, locale: Locale) -> PermissionAdvice {
        use ContactsPermission as P;
        let action = match self {
            P::AndroidGranted | P::IosAuthorized => PermissionAction::Proceed,
            P::IosLimited => PermissionAction::ProceedLimited,
            P::AndroidDenied | P::IosNotDetermined => PermissionAction::RequestPermission,
            P::AndroidPermanentlyDenied | P::IosDenied => PermissionAction::OpenSettings,
            P::IosRestricted => PermissionAction::Unavailable,
        };
        PermissionAdvice {
            action,
            explanation: Message::PermissionExplanation { action }.render(locale),
            title: Message::PermissionTitle { action }.render(locale),
            action_label: Message::PermissionButton { action }.render(locale),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_a_distinct_next_step() {
        use ContactsPermission as P;
        let cases = [
            (P::AndroidGranted, PermissionAction::Proceed, true),
            (P::AndroidDenied, PermissionAction::RequestPermission, false),
            (
                P::AndroidPermanentlyDenied,
                PermissionAction::OpenSettings,
                false,
            ),
            (
                P::IosNotDetermined,
                PermissionAction::RequestPermission,
                false,
            ),
            (P::IosRestricted, PermissionAction::Unavailable, false),
            (P::IosDenied, PermissionAction::OpenSettings, false),
            (P::IosAuthorized, PermissionAction::Proceed, true),
            (P::IosLimited, PermissionAction::ProceedLimited, true),
        ];
        for (state, action, readable) in cases {
            assert_eq!(state.advice().action, action, "{state:?}");
            assert_eq!(state.can_read(), readable, "{state:?}");
            assert!(!state.advice().explanation.is_empty());
            let ru = state.advice_in(Locale::Ru);
            assert_eq!(ru.action, action);
            for (en, ru) in [
                (state.advice().title, ru.title),
                (state.advice().explanation, ru.explanation),
                (state.advice().action_label, ru.action_label),
            ] {
                assert!(!ru.is_empty() && !en.is_empty() && en != ru, "{en} / {ru}");
            }
        }
        assert_eq!(
            ContactsPermission::AndroidPermanentlyDenied
                .advice_in(Locale::Ru)
                .action_label,
            "Открыть настройки"
        );
    }
}
