// The Android shell of Clientbook: reads and writes the device phonebook and exposes the
// Rust core's sessions to screens. The core itself is the Cargo workspace one level up.

pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "clientbook-android"
include(":app")
