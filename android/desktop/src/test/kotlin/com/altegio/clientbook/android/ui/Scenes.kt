package com.altegio.clientbook.android.ui

import androidx.compose.runtime.Composable
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Rect
import androidx.compose.ui.input.pointer.PointerEventType
import androidx.compose.ui.platform.InfiniteAnimationPolicy
import androidx.compose.ui.semantics.SemanticsNode
import androidx.compose.ui.semantics.SemanticsOwner
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.unit.Density
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import org.jetbrains.skia.EncodedImageFormat
import org.jetbrains.skia.Image

/** Screen sizes the renders use, in dp (density 1: one dp is one pixel). */
enum class Size(val width: Int, val height: Int) {
    PHONE(360, 800),
    NARROW(320, 640),
}

/**
 * Infinite animations (the indeterminate progress bar) never start in a render: their phase
 * depended on how many frames the scene took to reach the state, so two runs of one state
 * differed in a quarter of a percent of their pixels, as much as a missing button.
 */
private object FrozenInfiniteAnimations : InfiniteAnimationPolicy {
    override suspend fun <R> onInfiniteOperation(block: suspend () -> R): R = awaitCancellation()
}

/** Scene clock: frames are rendered at fixed times, so animations look the same every run. */
private const val FRAME_NS = 16_000_000L
private const val SETTLED_NS = 5_000_000_000L

/**
 * A headless Compose scene with the Clientbook theme, driven by explicit times. [frame] renders;
 * [click] sends a press and release at a point; [find] reads the semantics tree (the main owner
 * and every popup layer) to locate a node by its text or content description.
 */
class Scene(val size: Size, dark: Boolean, content: @Composable () -> Unit) : AutoCloseable {
    private var time = 0L
    val scene = ImageComposeScene(
        size.width,
        size.height,
        Density(1f),
        coroutineContext = Dispatchers.Unconfined + FrozenInfiniteAnimations,
    ) {
        ClientbookTheme(dark = dark) { content() }
    }

    /** Renders after the animations of the last change have settled. */
    fun frame(): Image {
        // A few frames so recompositions from state written during composition (row pages)
        // and layout passes happen, then one far later so animations end.
        repeat(3) { time += FRAME_NS; scene.render(time) }
        time += SETTLED_NS
        return scene.render(time)
    }

    fun click(at: Offset) {
        time += FRAME_NS
        scene.sendPointerEvent(PointerEventType.Press, at, timeMillis = time / 1_000_000)
        time += FRAME_NS
        scene.sendPointerEvent(PointerEventType.Release, at, timeMillis = time / 1_000_000)
        frame()
    }

    /** The pointer leaves the window, as a finger lifts: nothing stays hovered in a render. */
    fun pointerAway() {
        time += FRAME_NS
        scene.sendPointerEvent(PointerEventType.Exit, Offset(-1f, -1f), timeMillis = time / 1_000_000)
        frame()
    }

    /** Clicks the centre of the first node whose text or description is [text]. */
    fun clickOn(text: String) = click(bounds(text).center)

    fun bounds(text: String): Rect =
        find { it.texts().any { t -> t == text } }?.boundsInWindow
            ?: error("nothing on screen reads \"$text\"; on screen: ${allTexts()}")

    fun clickOnContaining(text: String) = click(
        (find { it.texts().any { t -> t.contains(text) } } ?: error("nothing contains \"$text\"; on screen: ${allTexts()}")).boundsInWindow.center,
    )

    fun allTexts(): List<String> = nodes().flatMap { it.texts() }

    fun has(text: String): Boolean = allTexts().any { it == text }

    fun findAll(predicate: (SemanticsNode) -> Boolean): List<SemanticsNode> = nodes().filter(predicate)

    /** The first match in reading order, looking in popups (which lie on top) first. */
    fun find(predicate: (SemanticsNode) -> Boolean): SemanticsNode? =
        owners().reversed().firstNotNullOfOrNull { nodes(listOf(it)).firstOrNull(predicate) }

    private fun nodes(from: List<SemanticsOwner> = owners()): List<SemanticsNode> {
        val out = ArrayList<SemanticsNode>()
        for (owner in from) {
            fun walk(n: SemanticsNode) {
                out.add(n)
                n.children.forEach(::walk)
            }
            walk(owner.unmergedRootSemanticsNode)
        }
        return out
    }

    /**
     * The scene's semantics owners. ImageComposeScene exposes none, so they are read by
     * reflection from Compose Multiplatform 1.8.2's scene (pinned in the pom); a change there
     * fails these tests loudly rather than silently clicking nowhere.
     */
    private fun owners(): List<SemanticsOwner> {
        val sceneField = ImageComposeScene::class.java.getDeclaredField("scene").apply { isAccessible = true }
        val inner = sceneField.get(scene)
        val main = inner.javaClass.getDeclaredField("mainOwner").apply { isAccessible = true }.get(inner)
        val layers = inner.javaClass.getDeclaredField("layers").apply { isAccessible = true }.get(inner) as List<*>
        val layerOwners = layers.map { layer ->
            layer!!.javaClass.getDeclaredMethod("getOwner").apply { isAccessible = true }.invoke(layer)
        }
        return (listOf(main) + layerOwners).map { owner ->
            owner!!.javaClass.getMethod("getSemanticsOwner").invoke(owner) as SemanticsOwner
        }
    }

    override fun close() = scene.close()
}

internal fun SemanticsNode.texts(): List<String> =
    (config.getOrNull(SemanticsProperties.Text)?.map { it.text } ?: emptyList()) +
        (config.getOrNull(SemanticsProperties.ContentDescription) ?: emptyList()) +
        listOfNotNull(config.getOrNull(SemanticsProperties.EditableText)?.text)

fun Image.png(): ByteArray = encodeToData(EncodedImageFormat.PNG)!!.bytes

fun ByteArray.toBuffered(): BufferedImage = ImageIO.read(ByteArrayInputStream(this))

/**
 * Compares a render with its golden: a pixel differs when a channel moves by more than
 * [channelTolerance]; the images match when at most [maxDifferingShare] of the pixels differ.
 * Font hinting and antialiasing move a few edge pixels between machines; a broken layout (a
 * cut button, overlapping rows, a missing bar) moves several percent.
 */
data class Difference(val differing: Int, val total: Int, val sizeMismatch: Boolean) {
    val share: Double get() = if (total == 0) 1.0 else differing.toDouble() / total
}

fun compare(a: BufferedImage, b: BufferedImage, channelTolerance: Int = 40): Difference {
    if (a.width != b.width || a.height != b.height) return Difference(0, 0, true)
    var differing = 0
    for (y in 0 until a.height) for (x in 0 until a.width) {
        val p = a.getRGB(x, y)
        val q = b.getRGB(x, y)
        if (p != q) {
            val d = maxOf(
                kotlin.math.abs((p shr 16 and 0xff) - (q shr 16 and 0xff)),
                kotlin.math.abs((p shr 8 and 0xff) - (q shr 8 and 0xff)),
                kotlin.math.abs((p and 0xff) - (q and 0xff)),
            )
            if (d > channelTolerance) differing++
        }
    }
    return Difference(differing, a.width * a.height, false)
}

object Shots {
    val out = File(System.getProperty("screens.out") ?: "target/screens")
    val golden = File(System.getProperty("screens.golden") ?: "../../docs/screens")
    val update = System.getProperty("screens.update") == "true"
    /**
     * Renders are deterministic here (fixed clock, infinite animations frozen: two runs are
     * pixel-identical), and this share absorbs what another machine's font rasteriser may
     * move. It catches a broken layout (see GoldenSensitivityTest), not a single missing
     * control: a removed button differs in 0.13-0.37% of the pixels. Which controls a state
     * shows is asserted on the semantics tree by the click tests.
     */
    const val MAX_DIFFERING_SHARE = 0.01
}
