package com.altegio.clientbook.android.ui

import com.altegio.clientbook.core.Message
import com.altegio.clientbook.renderMessage
import java.text.NumberFormat
import java.util.Locale

/**
 * Every fixed text of the two screens. [key] is the name of the string resource in
 * `res/values/strings.xml` (English) and `res/values-ru/strings.xml` (Russian): the Android layer
 * fills [Labels] from those resources, and the desktop tests read the same two files, so both
 * show exactly the same words. Domain texts (statuses' reasons, rights, permission advice,
 * failures) do not live here: they come localised from the core's state records, or, for a
 * code a record carries without its text (an undo's counts, a fill-in offer), from [message],
 * which asks the core to word it in this language (with its plural rules).
 */
enum class Label(val key: String) {
    IMPORT_TITLE("cb_import_title"),
    EXPORT_TITLE("cb_export_title"),
    BACK("cb_back"),
    SEARCH("cb_search"),
    SEARCH_HINT("cb_search_hint"),
    CLEAR_SEARCH("cb_clear_search"),
    NO_MATCHES("cb_no_matches"),
    SELECT_ALL("cb_select_all"),
    SELECT_NONE("cb_select_none"),
    IMPORT_SELECTED("cb_import_selected"),
    EXPORT_SELECTED("cb_export_selected"),
    IMPORT_SUMMARY("cb_import_summary"),
    EXPORT_SUMMARY("cb_export_summary"),
    STARTING("cb_starting"),
    PERMISSION_TITLE("cb_permission_title"),
    ALLOW_ACCESS("cb_allow_access"),
    OPEN_SETTINGS("cb_open_settings"),
    SETTINGS_RETURN("cb_settings_return"),
    CLOSE("cb_close"),
    RIGHTS_TITLE("cb_rights_title"),
    READING("cb_reading"),
    REFRESHING("cb_refreshing"),
    MATCHING("cb_matching"),
    IMPORTING("cb_importing"),
    WRITING("cb_writing"),
    WRITTEN_STAYS("cb_written_stays"),
    CANCEL("cb_cancel"),
    EMPTY_TITLE("cb_empty_title"),
    STATUS_EXISTING("cb_status_existing"),
    STATUS_DUPLICATE("cb_status_duplicate"),
    STATUS_INVALID("cb_status_invalid"),
    STATUS_NO_PHONE("cb_status_no_phone"),
    STATUS_NO_NAME("cb_status_no_name"),
    STATUS_ON_PHONE("cb_status_on_phone"),
    CLIENT_NUMBER("cb_client_number"),
    SAME_AS_CONTACT("cb_same_as_contact"),
    CHOOSE_NUMBER("cb_choose_number"),
    PHONE_MOBILE("cb_phone_mobile"),
    PHONE_MAIN("cb_phone_main"),
    PHONE_WORK("cb_phone_work"),
    PHONE_HOME("cb_phone_home"),
    PHONE_FAX("cb_phone_fax"),
    PHONE_PAGER("cb_phone_pager"),
    PHONE_OTHER("cb_phone_other"),
    IMPORT_RESULT_TITLE("cb_import_result_title"),
    RESULT_CREATED("cb_result_created"),
    RESULT_ALREADY("cb_result_already"),
    RESULT_SKIPPED("cb_result_skipped"),
    RESULT_CANCELLED("cb_result_cancelled"),
    RESULT_MORE_REASONS("cb_result_more_reasons"),
    EXPORT_RESULT_TITLE("cb_export_result_title"),
    EXPORT_RESULT_WRITTEN("cb_export_result_written"),
    EXPORT_RESULT_ALREADY("cb_export_result_already"),
    EXPORT_GROUP_NAME("cb_export_group_name"),
    DONE("cb_done"),
    BACK_TO_LIST("cb_back_to_list"),
    FAILURE_TITLE("cb_failure_title"),
    STOPPED_TITLE("cb_stopped_title"),
    SIGN_IN_TITLE("cb_sign_in_title"),
    OFFLINE_TITLE("cb_offline_title"),
    IMPORT_REST("cb_import_rest"),
    EXPORT_REST("cb_export_rest"),
    EXPORT_CANCELLED("cb_export_cancelled"),
    TRY_AGAIN("cb_try_again"),
    SELECT_SUGGESTED("cb_select_suggested"),
    NOT_SUGGESTED("cb_not_suggested"),
    FILL_IN_ALL("cb_fill_in_all"),
    IMPORT_AND_FILL("cb_import_and_fill"),
    RESULT_FILLED("cb_result_filled"),
    UNDO_IMPORT("cb_undo_import"),
    UNDO_TITLE("cb_undo_title"),
    UNDO_DELETE("cb_undo_delete"),
    UNDO_RESULT_TITLE("cb_undo_result_title"),
    UNDO_KEPT_EDITED("cb_undo_kept_edited"),
    UNDO_ALREADY_GONE("cb_undo_already_gone"),
    MORE("cb_more"),
    HISTORY("cb_history"),
    HISTORY_EMPTY("cb_history_empty"),
    HISTORY_UNREADABLE("cb_history_unreadable"),
    HISTORY_COUNTS("cb_history_counts"),
    HISTORY_CANCELLED("cb_history_cancelled"),
    HISTORY_FAILED("cb_history_failed"),
    HISTORY_INTERRUPTED("cb_history_interrupted"),
    UNDO_KEPT_VISITS("cb_undo_kept_visits"),
    UNDO_KEPT_VISITS_UNKNOWN("cb_undo_kept_visits_unknown"),
    UNDO_STOPPED_TITLE("cb_undo_stopped_title"),
    UNDOING("cb_undoing"),
    UNDOING_START("cb_undoing_start"),
    UNDO_STAYS("cb_undo_stays"),
    RELOAD_LIST("cb_reload_list"),
    CATEGORY_SWITCH("cb_category_switch"),
    RESULT_CATEGORY("cb_result_category"),
    RESULT_CATEGORY_CREATED("cb_result_category_created"),
    RESULT_CATEGORY_NOT_SET("cb_result_category_not_set"),
    HISTORY_UNDO("cb_history_undo"),
}

/**
 * The screens' fixed texts in one language. Arguments follow Android's `getString(id, args)`
 * (`%1$s` placeholders); counts are passed already formatted by [count].
 */
interface Labels {
    /** The language of these labels, for number formatting. */
    val locale: Locale

    operator fun get(label: Label, vararg args: Any): String
}

/** A count as people read it in this language ("1,204", "1 204"). */
fun Labels.count(n: Long): String = NumberFormat.getIntegerInstance(locale).format(n)

/** A count from the core's unsigned fields. */
fun Labels.count(n: ULong): String = count(n.toLong())

/**
 * A core message in this language, worded by the core's catalogue (Russian plurals
 * included): the screens never spell a domain text or a counted phrase of their own.
 */
fun Labels.message(m: Message): String = renderMessage(m, locale.toLanguageTag())
