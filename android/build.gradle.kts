// Plugin versions for the whole build; the module applies them in app/build.gradle.kts.
plugins {
    id("com.android.library") version "8.13.0" apply false
    id("org.jetbrains.kotlin.android") version "2.2.21" apply false
}
