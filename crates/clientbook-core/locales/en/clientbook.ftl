# Clientbook's messages for staff, in English (the fallback for every other locale).
# Every message here exists in locales/ru/clientbook.ftl with the same variables; the test
# `messages::tests::every_message_in_every_locale_with_the_same_variables` checks it.
# Numbers are grouped by the core ("1,204"); ids and codes are passed as text.

## Why a contact in the import preview cannot be imported as it is.

row-already-client = its number already belongs to client #{ $client_id }
row-duplicate = an earlier contact in the phonebook, { $earlier_name }, has the same number
row-same-without-extension = Altegio stores numbers without the extension, so this is the same client as an earlier contact, { $earlier_name }
row-extension-not-stored = Altegio does not store the extension { $extension }; it goes into the client's comment
row-needs-choice = it has { $count } different numbers; check the one that will be imported
row-no-phone = it has no phone number
row-no-name = the contact has no name, organisation or nickname
row-name-too-long = a name field is { $chars } characters long; at most { $max } are stored
# One invalid number of a contact whose numbers are all invalid; the entries are joined with "; ".
row-invalid-number = { $raw }: { $problem }
row-invalid-separator = ;{ " " }
row-empty-number = (empty number)

## Why one phone number was rejected.

number-no-digits = no digits in the number
number-not-a-number = not a phone number
number-too-short = too short
number-too-long = too long
number-unknown-country = unknown country code
number-invalid-for-country = not a valid number for its country
number-short-code = a short service number (a bank, carrier or SMS service), not a person's phone

## Rights, by the titles the web settings page uses.

right-client-database-access = Access to the Client Database section
right-show-phones-and-emails = Show phone numbers and emails in the list of clients
right-download-client-list = Download a list of clients in Excel
right-show-clients-of-all-employees = Show clients of all employees
right-delete-clients = Delete clients
right-quoted = "{ $title }"
right-separator = ,{ " " }
# $rights: the quoted titles, joined; $count: how many.
rights-missing =
    You cannot { $action ->
        [import] import contacts into the client database
        [undo] undo an import (delete the clients it created)
       *[export] save clients to the phonebook
    }: your user is missing { $count ->
        [one] the right
       *[other] the rights
    } { $rights }. An administrator can grant { $count ->
        [one] it
       *[other] them
    } in the web version under Settings > System settings > Users.

## The device's contacts permission: a title, an explanation and the button's label.

permission-proceed-title = Contacts access is granted
permission-proceed = Contacts access is granted.
permission-proceed-button = Continue
permission-limited-title = Only some contacts are shared
permission-limited = You shared only some contacts with the app. Only those can be imported; tap "Choose more contacts" to add others.
permission-limited-button = Choose more contacts
permission-request-title = Allow access to contacts
permission-request = To import clients from your phonebook, allow the app to access your contacts.
permission-request-button = Allow access
permission-settings-title = Contacts access is turned off
permission-settings = Contacts access is turned off for this app. Turn it on in the phone's Settings, then come back.
permission-settings-button = Open settings
permission-unavailable-title = Contacts cannot be used
permission-unavailable = Contacts access is restricted on this device (for example by parental controls or your company's device management), so the phonebook cannot be used.
permission-unavailable-button = Close

## Why an operation stopped.

error-sign-in = The sign-in has expired or the token is wrong; sign in again.
error-rights-changed = Access denied: your rights changed. Sign in again or ask an administrator.
error-licence = The location's licence has expired; only the salon owner can renew it.
error-network = The client database cannot be reached. Check the connection and try again.
error-not-found = The location or the client was not found in the client database.
error-server-refused = The client database refused the request (code { $status }).
error-server-protocol = The client database did not answer correctly. Try again later.
error-outcome-unknown = No answer came to a write; it will be checked before anything is sent again.
error-storage-newer = The client database was written by a newer version of the app; update the app. Nothing was changed.
error-storage-damaged = The client database is damaged or is not a Clientbook database; nothing was changed.
error-storage-busy = The client database is busy in another process; try again when it has finished.
error-storage-read-only = The client database cannot be written: the storage may be full or read-only.
error-storage = The client database could not be read or written; nothing was lost.
error-phonebook = The phonebook could not be read.
error-cancelled = Cancelled. Whatever was already written stays written.
error-internal = Something went wrong inside the app. Try again; if it happens again, contact support.

## Summary and progress lines.

contacts-count =
    { $count ->
        [one] { $count } contact
       *[other] { $count } contacts
    }
import-summary =
    { $contacts ->
        [one] { $contacts } contact
       *[other] { $contacts } contacts
    } · { $already_clients ->
        [one] { $already_clients } already a client
       *[other] { $already_clients } already clients
    }
selected-of = { $selected } selected of { $total }
reading-contacts = Reading contacts… { $done }
refreshing-clients = Loading the client base… { $done }
matching = Matching with the client base… { $percent }%
import-progress = Imported { $done } of { $total }
import-result =
    { $created ->
        [one] { $created } client created
       *[other] { $created } clients created
    } · { $already_there } already in the base · { $skipped } skipped
empty-phonebook = The phonebook has no contacts. Add contacts on the phone, then open this screen again.
export-summary =
    { $clients ->
        [one] { $clients } client
       *[other] { $clients } clients
    } · { $on_phone } already on the phone
export-progress = Saved { $done } of { $total } to the phonebook
export-written =
    Written { $count ->
        [one] { $count } contact
       *[other] { $count } contacts
    } into group “{ $group }”
empty-client-base = The client database has no clients to save to the phonebook.

## Screen states, suggestions, undo.
loading-cancelled = Loading was cancelled. Try again to read the phonebook.
empty-limited = No contacts are shared with the app. Tap “Choose more contacts” to share the ones to import.
phonebook-refused = The phonebook refused to save some contacts. Those saved are kept; try again to save the rest.
not-suggested-service = { $kind ->
        [toll_free] Toll-free service number
        [premium_rate] Premium-rate service number
        [shared_cost] Shared-cost service number
        [voicemail] Voicemail number
       *[universal_access] A company's single number
    }
not-suggested-location = The location's own number
not-suggested-staff = A staff member's number
not-suggested-from-app = Saved from the client base by this app
undo-confirm =
    Delete { $count ->
        [one] the { $count } client
       *[other] the { $count } clients
    } this import created? Clients edited since, or with visits, are kept. Deleting cannot be taken back.
undo-done = { $deleted ->
        [one] { $deleted } client deleted
       *[other] { $deleted } clients deleted
    } · { $kept } kept (edited since or with visits)
fill-in-email = Add the email { $email } to the client
fill-in-birthday = Add the birthday { $birthday } to the client, if it has none
fill-in-both = Add the email { $email } and the birthday { $birthday } to the client, where it has none
default-category = From phonebook
undo-stopped = { $deleted ->
        [one] Undo stopped after { $deleted } client was deleted.
       *[other] Undo stopped after { $deleted } clients were deleted.
    } Undo again to delete the rest.
export-needs-contacts = To mark the clients already on the phone and save the others, allow the app to access your contacts.
