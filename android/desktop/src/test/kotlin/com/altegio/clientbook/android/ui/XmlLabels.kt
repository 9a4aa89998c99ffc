package com.altegio.clientbook.android.ui

import java.io.File
import java.util.Locale
import javax.xml.parsers.DocumentBuilderFactory
import org.w3c.dom.Element

/**
 * [Labels] read from the Android string resources themselves, so the desktop renders show the
 * words the app shows. Handles the escapes Android resources use (`\'`, `\"`, `\n`, `\u00A0`-style code points, `\@`, `\?`)
 * and formats like `Resources.getString(id, args)`.
 */
class XmlLabels(override val locale: Locale, val strings: Map<String, String>) : Labels {
    override fun get(label: Label, vararg args: Any): String {
        val template = strings[label.key] ?: error("no string ${label.key} for $locale")
        return if (args.isEmpty()) template.replace("%%", "%") else String.format(locale, template, *args)
    }

    companion object {
        private val resDir: File by lazy {
            File(System.getProperty("screens.res") ?: "../clientbook/src/main/res")
        }

        fun parse(file: File): Map<String, String> {
            val doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file)
            val nodes = doc.getElementsByTagName("string")
            return (0 until nodes.length).associate { i ->
                val e = nodes.item(i) as Element
                e.getAttribute("name") to unescape(e.textContent)
            }
        }

        private fun unescape(s: String): String {
            val out = StringBuilder()
            var i = 0
            while (i < s.length) {
                val c = s[i]
                if (c == '\\' && i + 1 < s.length) {
                    when (val n = s[i + 1]) {
                        'n' -> out.append('\n')
                        'u' -> {
                            out.append(s.substring(i + 2, i + 6).toInt(16).toChar())
                            i += 4
                        }
                        't' -> out.append('\t')
                        else -> out.append(n)
                    }
                    i += 2
                } else {
                    out.append(c)
                    i++
                }
            }
            return out.toString()
        }

        val english: XmlLabels by lazy { XmlLabels(Locale.ENGLISH, parse(File(resDir, "values/strings.xml"))) }
        val russian: XmlLabels by lazy { XmlLabels(Locale.forLanguageTag("ru"), parse(File(resDir, "values-ru/strings.xml"))) }
    }
}
