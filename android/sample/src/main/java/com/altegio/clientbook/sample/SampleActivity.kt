package com.altegio.clientbook.sample

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.IconButton
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.viewmodel.compose.viewModel
import com.altegio.clientbook.android.ExportScreenHost
import com.altegio.clientbook.android.ExportViewModel
import com.altegio.clientbook.android.ImportScreenHost
import com.altegio.clientbook.android.ImportViewModel
import com.altegio.clientbook.android.ui.ClientbookTheme
import com.altegio.clientbook.fullRights

/**
 * Clients › ⋮ with the two entries, each opening its screen. With the extras of
 * [SampleServices.signInFrom] (the host's own sign-in hands them in; this app never stores
 * them) the screens work on that Altegio location; without them, on the local database with
 * every right (a sample, not a salon app: a real host passes the signed-in user's rights).
 */
class SampleActivity : ComponentActivity() {
    private enum class Shown { CLIENTS, IMPORT, EXPORT }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val services = (application as SampleApplication).services
        SampleServices.signInFrom(intent)?.let { services.signIn(it) }
        setContent {
            ClientbookTheme(dark = isSystemInDarkTheme()) {
                var shown by rememberSaveable { mutableStateOf(Shown.CLIENTS) }
                BackHandler(enabled = shown != Shown.CLIENTS) { shown = Shown.CLIENTS }
                when (shown) {
                    Shown.CLIENTS -> Clients(onImport = { shown = Shown.IMPORT }, onExport = { shown = Shown.EXPORT })
                    Shown.IMPORT -> ImportScreenHost(importViewModel(services), onClose = { shown = Shown.CLIENTS })
                    Shown.EXPORT -> ExportScreenHost(exportViewModel(services), onClose = { shown = Shown.CLIENTS })
                }
            }
        }
    }

    @Composable
    private fun importViewModel(services: SampleServices): ImportViewModel {
        val connection = services.connection
        return viewModel(
            factory = if (connection != null) {
                ImportViewModel.factory(this, connection, services.settings)
            } else {
                ImportViewModel.factory(this, services.database, fullRights(), services.settings)
            },
        )
    }

    @Composable
    private fun exportViewModel(services: SampleServices): ExportViewModel {
        val connection = services.connection
        return viewModel(
            factory = if (connection != null) {
                ExportViewModel.factory(this, connection, services.settings)
            } else {
                ExportViewModel.factory(this, services.database, fullRights(), services.settings)
            },
        )
    }

    @OptIn(ExperimentalMaterial3Api::class)
    @Composable
    private fun Clients(onImport: () -> Unit, onExport: () -> Unit) {
        var menu by rememberSaveable { mutableStateOf(false) }
        Scaffold(
            topBar = {
                TopAppBar(
                    title = { Text("Clients") },
                    actions = {
                        IconButton(onClick = { menu = true }) { Text("⋮") }
                        DropdownMenu(expanded = menu, onDismissRequest = { menu = false }) {
                            DropdownMenuItem(
                                text = { Text(stringResource(R.string.sample_menu_import)) },
                                onClick = { menu = false; onImport() },
                            )
                            DropdownMenuItem(
                                text = { Text(stringResource(R.string.sample_menu_export)) },
                                onClick = { menu = false; onExport() },
                            )
                        }
                    },
                )
            },
        ) { padding -> Text("", Modifier.padding(padding)) }
    }
}
