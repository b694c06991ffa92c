// The reading-engine test page: opens an EPUB with foliate-js (the engine of the Foliate reader)
// the way its reader does, and exposes what drive.cjs asks of it as `window.harness`. Taps are made
// by drive.cjs through the browser's input events, so the engine's own link and footnote handling
// runs as for a reader's finger.
import '/foliate/view.js'
import { FootnoteHandler } from '/foliate/footnotes.js'

// What foliate-js's reader (reader.js) gives every book: footnote asides are hidden, since they
// pop up instead.
const BOOK_CSS = `
@namespace epub "http://www.idpf.org/2007/ops";
aside[epub|type~="endnote"], aside[epub|type~="footnote"],
aside[epub|type~="note"], aside[epub|type~="rearnote"] { display: none; }
`

// clreq's no-start marks (行首禁则): closing brackets and quotes, pause and stop marks, the
// ellipsis and the iteration marks, full-width and ASCII.
const NO_START = new Set(
    '\u3001\u3002\uFF0C\uFF0E\uFF1A\uFF1B\uFF1F\uFF01\uFF09\uFF3D\uFF5D\u3009\u300B\u300D\u300F'
    + '\u3011\u3015\u3017\u3019\u301B\u201D\u2019\u2026\u2025\u00B7\u30FB\u3005\u303B\u309D\u309E'
    + '\u30FD\u30FE\u30FC,.:;?!)]}')
const BLOCK = 'p, h1, h2, h3, h4, h5, h6, li, dt, dd, blockquote, figcaption, td, th, aside, nav, div, section, body'

const $ = id => document.getElementById(id)
const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))
const sleep = ms => new Promise(r => setTimeout(r, ms))
const squash = s => (s ?? '').replace(/\s+/g, '')

let view
let popups = []

/** The element a navigation target names in the shown document (the body's first element
 * when the target has no fragment). */
const targetElement = (doc, href) => {
    const { anchor } = view.book.resolveHref(href)
    const el = anchor(doc)
    return el?.nodeType === 1 ? el : doc.body.firstElementChild
}

/** `el`'s box in the page's coordinates (the engine's iframe offset added). */
const pageRect = el => {
    const doc = el.ownerDocument
    const frame = doc.defaultView.frameElement.getBoundingClientRect()
    let r = Array.from(el.getClientRects()).find(r => r.width > 0 || r.height > 0)
        ?? el.getBoundingClientRect()
    return { x: frame.left + r.left, y: frame.top + r.top, width: r.width, height: r.height }
}

const onScreen = r => r.x + Math.max(r.width, 1) > 0 && r.x < innerWidth
    && r.y + Math.max(r.height, 1) > 0 && r.y < innerHeight

/** Go to `href` (or a spine index) and wait until the engine has settled on a page showing it.
 * The shown document (which the caller checks: after 10 tries it may be the wrong one). */
const go = async target => {
    const index = typeof target === 'number' ? target : view.book.resolveHref(target).index
    let shown
    for (let attempt = 0; attempt < 10; attempt++) {
        await view.goTo(target)
        await frames()
        await sleep(100)
        ;[shown] = view.renderer.getContents()
        // the paginator ignores a navigation asked for while a page turn is under way
        if (shown?.index !== index) continue
        await shown.doc.fonts.ready
        if (typeof target === 'number' || !target.includes('#')) return shown.doc
        if (onScreen(pageRect(targetElement(shown.doc, target)))) return shown.doc
    }
    return shown.doc
}

/** Close the pop-ups: hidden at once, taken out of the page two taps later (the engine still
 * handles a late scroll event of a pop-up just closed, and fails if its frame is gone). */
const closePopups = () => {
    const shown = Array.from($('popup').children)
    for (const v of shown) v.hidden = true
    for (const v of shown.slice(0, -2)) v.remove()
}

const flatten = items => (items ?? []).flatMap(i =>
    [{ label: squash(i.label), href: i.href }, ...flatten(i.subitems)])

window.harness = {
    /** Open the book; time from the call to the first page shown, in ms. */
    async open(url) {
        const t0 = performance.now()
        view = document.createElement('foliate-view')
        document.body.append(view)
        const first = new Promise(r => view.addEventListener('relocate', r, { once: true }))
        await view.open(url)
        view.renderer.setStyles(BOOK_CSS)
        view.renderer.next()
        await first
        await frames()
        const firstPage = performance.now() - t0

        const footnotes = new FootnoteHandler()
        footnotes.addEventListener('before-render', e => {
            const pv = e.detail.view
            $('popup').append(pv)
            pv.renderer.setAttribute('flow', 'scrolled')
            pv.renderer.setStyles(BOOK_CSS)
        })
        footnotes.addEventListener('render', async e => {
            const { href, type, hidden, target } = e.detail
            const doc = target.ownerDocument
            await frames()
            const body = doc.body
            const p = body.querySelector('p') ?? body
            const cs = doc.defaultView.getComputedStyle(p)
            popups.push({
                href, type, hidden,
                text: squash(body.textContent),
                indent: parseFloat(cs.textIndent),
                fontSize: parseFloat(cs.fontSize),
                bodyFontSize: parseFloat(doc.defaultView.getComputedStyle(body).fontSize),
                className: p.className,
            })
        })
        view.addEventListener('link', e => {
            const shown = footnotes.handle(view.book, e)
            shown?.catch(err => popups.push({ href: e.detail.href, error: String(err) }))
        })
        return {
            firstPage,
            sections: view.book.sections.length,
            toc: flatten(view.book.toc),
            pageList: flatten(view.book.pageList),
        }
    },

    /** Every note reference of the book, in reading order. */
    async noteRefs() {
        const refs = []
        for (const [index, s] of view.book.sections.entries()) {
            const doc = await s.createDocument()
            for (const a of doc.querySelectorAll('a[href]')) {
                const role = a.getAttribute('role') ?? ''
                const type = a.getAttributeNS('http://www.idpf.org/2007/ops', 'type') ?? ''
                if (!/\bdoc-noteref\b/.test(role) && !/\bnoteref\b/.test(type)) continue
                refs.push({ index, section: s.id, id: a.id, href: a.getAttribute('href'), mark: squash(a.textContent) })
            }
        }
        return refs
    },

    /** Bring a note reference on screen; where to tap it, its size, and how far the text goes on
     * across it (the advance from the character before it to the one after). */
    async showRef(ref) {
        popups = []
        closePopups()
        const doc = await go(`${ref.section}#${ref.id}`)
        const a = doc.getElementById(ref.id)
        const r = pageRect(a)
        const sup = a.closest('sup') ?? a
        const textBox = node => {
            const range = doc.createRange()
            range.selectNodeContents(node)
            return Array.from(range.getClientRects()).find(r => r.width > 0)
        }
        const mark = textBox(a)
        const neighbour = (node, forward) => {
            // the character next to the reference, in the same paragraph
            const walker = doc.createTreeWalker(sup.closest(BLOCK), NodeFilter.SHOW_TEXT)
            let last = null
            let seen = false
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (sup.contains(n)) { seen = true; if (!forward) break; continue }
                if (!n.data.trim()) continue
                if (forward && seen) {
                    const range = doc.createRange()
                    range.setStart(n, 0); range.setEnd(n, 1)
                    return range.getClientRects()[0]
                }
                if (!forward) last = n
            }
            if (forward || !last) return null
            const range = doc.createRange()
            range.setStart(last, last.length - 1); range.setEnd(last, last.length)
            return range.getClientRects()[0]
        }
        const before = neighbour(sup, false)
        const after = neighbour(sup, true)
        const sameLine = before && after && Math.abs(before.top - after.top) < 2
        return {
            x: r.x + r.width / 2, y: r.y + r.height / 2,
            width: r.width, height: r.height,
            onScreen: onScreen(r),
            markWidth: mark?.width ?? 0,
            advance: sameLine ? after.left - before.right : null,
        }
    },

    /** The pop-ups shown since the last showRef. */
    popups: () => popups,

    /** Go to a contents or page-list entry: is its target on the screen, and what it says. */
    async land(href) {
        const doc = await go(href)
        const el = targetElement(doc, href)
        const r = pageRect(el)
        // the text from the target on (a page mark is empty: the text after it)
        const range = doc.createRange()
        range.setStartBefore(el)
        range.setEndAfter(doc.body)
        return {
            onScreen: onScreen(r),
            text: squash(range.toString()).slice(0, 80),
            pageItem: squash(view.lastLocation?.pageItem?.label),
        }
    },

    /** Section by section: each rendered line that starts with a no-start mark, and each
     * border drawn around nothing visible (an empty rule). */
    async layoutChecks() {
        const bad = []
        const emptyRules = []
        let lines = 0
        for (const [index, s] of view.book.sections.entries()) {
            if (s.linear === 'no') continue
            const doc = await go(index)
            const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT)
            const range = doc.createRange()
            let prev = null
            let prevBlock = null
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const parent = n.parentElement
                if (parent.closest('sup, rt, rp')) continue // raised marks do not make lines
                const block = parent.closest(BLOCK)
                if (block !== prevBlock) { prev = null; prevBlock = block }
                const chars = Array.from(n.data)
                let offset = 0
                for (const [i, c] of chars.entries()) {
                    range.setStart(n, offset)
                    range.setEnd(n, offset + c.length)
                    offset += c.length
                    if (/\s/.test(c)) continue
                    const rect = Array.from(range.getClientRects()).find(r => r.width > 0)
                    if (!rect) continue
                    const newLine = prev && Math.abs(rect.top - prev.top)
                        > 0.5 * Math.max(rect.height, prev.height)
                    if (newLine) {
                        lines++
                        if (NO_START.has(c)) bad.push({
                            section: s.id,
                            char: c,
                            context: squash(chars.slice(Math.max(0, i - 8), i + 8).join('')),
                        })
                    }
                    prev = rect
                }
            }
            for (const el of doc.body.querySelectorAll('*')) {
                const cs = doc.defaultView.getComputedStyle(el)
                const border = ['Top', 'Right', 'Bottom', 'Left'].some(side =>
                    parseFloat(cs[`border${side}Width`]) > 0 && cs[`border${side}Style`] !== 'none')
                if (border && el.getClientRects().length > 0 && !el.innerText.trim()
                    && !el.querySelector('img, svg')) {
                    emptyRules.push({ section: s.id, element: `${el.localName}.${el.className}` })
                }
            }
        }
        return { lines, bad, emptyRules }
    },
}
window.dispatchEvent(new Event('harness-ready'))
