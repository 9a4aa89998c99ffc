import org.jetbrains.kotlin.gradle.dsl.JvmTarget

// A small app hosting the library's two screens behind the Clients menu entries
// ("Export from phonebook" = import into the client base, "Save to phonebook" = export), with
// the local database and an Altegio connection whose tokens the host hands in.

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

android {
    namespace = "com.altegio.clientbook.sample"
    compileSdk = 36

    defaultConfig {
        applicationId = "com.altegio.clientbook.sample"
        minSdk = 24
        targetSdk = 36
        versionCode = 1
        versionName = "0.1.0"
    }

    buildFeatures {
        compose = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    implementation(project(":clientbook"))
    implementation(platform("androidx.compose:compose-bom:2025.10.01"))
    implementation("androidx.compose.material3:material3")
    implementation("androidx.activity:activity-compose:1.10.1")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
}
