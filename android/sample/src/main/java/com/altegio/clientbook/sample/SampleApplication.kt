package com.altegio.clientbook.sample

import android.app.Application

/** Holds the process-wide [SampleServices] (the database outlives every screen). */
class SampleApplication : Application() {
    val services: SampleServices by lazy { SampleServices(this) }
}
