package com.altegio.clientbook.android.ui

import java.io.File
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * Every state of both screens, in Russian and English, light and dark, at 360×800 and 320×640
 * dp, rendered headless to PNG (target/screens) and compared with the committed goldens in
 * docs/screens. `-Dscreens.update=true` (scripts/test-android-screens --update) rewrites the
 * goldens; a missing golden fails, so a new state cannot slip in unseen.
 */
class ScreensRenderTest {
    @TestFactory
    fun renders(): List<DynamicTest> {
        Shots.out.mkdirs()
        if (Shots.update) Shots.golden.mkdirs()
        val tests = ArrayList<DynamicTest>()
        for (lang in LANGS) {
            val shots = ScreenStates(lang).all()
            for (shot in shots) for (size in Size.values()) for (dark in listOf(false, true)) {
                val file = "${shot.name}-${lang.code}-${if (dark) "dark" else "light"}-${size.width}.png"
                tests += DynamicTest.dynamicTest(file) { renderAndCompare(shot, size, dark, file) }
            }
        }
        return tests
    }

    private fun renderAndCompare(shot: Shot, size: Size, dark: Boolean, file: String) {
        val png = Scene(size, dark, shot.content).use { scene ->
            scene.frame()
            shot.then(scene)
            if (System.getProperty("screens.debug") != null) println("$file: ${scene.allTexts()}")
            scene.frame().png()
        }
        File(Shots.out, file).writeBytes(png)
        val golden = File(Shots.golden, file)
        if (Shots.update) {
            golden.writeBytes(png)
            return
        }
        assertTrue(golden.exists(), "no golden $golden: render with scripts/test-android-screens --update and look at it")
        val diff = compare(png.toBuffered(), golden.readBytes().toBuffered())
        assertTrue(!diff.sizeMismatch, "$file: size differs from the golden")
        assertTrue(
            diff.share <= Shots.MAX_DIFFERING_SHARE,
            "$file differs from its golden in ${"%.2f".format(diff.share * 100)}% of pixels " +
                "(allowed ${Shots.MAX_DIFFERING_SHARE * 100}%): see ${File(Shots.out, file)}",
        )
    }
}
