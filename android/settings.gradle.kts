// The Android shell of Clientbook. :clientbook is the library (phonebook reader and writer,
// permission helper, HTTP transport, ViewModels, Compose screens, string resources); :sample is
// a small app that hosts the two screens behind the Clients menu entries. The core itself is
// the Cargo workspace one level up.

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
include(":clientbook")
include(":sample")
