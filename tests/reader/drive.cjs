// Read an EPUB in foliate-js in headless Chromium at phone size, as a reader would, and print
// what the engine showed as one JSON object on stdout:
//
//   node tests/reader/drive.cjs BOOK.epub
//
// - firstPageMs: from opening the book to its first page on screen;
// - refs: every note reference, with the size of its target and the pop-up a tap on it showed;
// - toc, pageList: every entry of the contents and the page list, and whether going to it put
//   its target on the screen (with the text from there on);
// - layout: rendered lines counted, those starting with a no-start mark, and borders drawn
//   around nothing visible (a rule left where the reader hides the notes).
//
// It serves this folder, foliate-js and the book from a small static server on 127.0.0.1, and
// drives Debian's Chromium (CHROMIUM, else PUPPETEER_EXECUTABLE_PATH, else /usr/bin/chromium)
// with puppeteer-core. foliate-js and puppeteer-core are looked up on NODE_PATH, then in
// target/tools/npm (where ./test installs them). Exit 2: something is missing; 1: it failed.
'use strict'
const fs = require('fs')
const http = require('http')
const os = require('os')
const path = require('path')

const VIEWPORT = { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true }
const CHROMIUM_FLAGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
]

const die = (code, msg) => { process.stderr.write(`drive.cjs: ${msg}\n`); process.exit(code) }

const moduleDirs = [
    ...(process.env.NODE_PATH ?? '').split(path.delimiter).filter(Boolean),
    path.join(__dirname, '..', '..', 'target', 'tools', 'npm', 'node_modules'),
]
const findModule = name => moduleDirs.map(d => path.join(d, name))
    .find(d => fs.existsSync(path.join(d, 'package.json')))

const book = process.argv[2]
if (!book || !fs.existsSync(book)) die(2, `usage: node drive.cjs BOOK.epub (got ${book})`)
const foliate = findModule('foliate-js')
if (!foliate) die(2, `foliate-js is not installed (looked in ${moduleDirs.join(', ')})`)
const puppeteerDir = findModule('puppeteer-core')
if (!puppeteerDir) die(2, `puppeteer-core is not installed (looked in ${moduleDirs.join(', ')})`)
const chromium = process.env.CHROMIUM ?? process.env.PUPPETEER_EXECUTABLE_PATH ?? '/usr/bin/chromium'
if (!fs.existsSync(chromium)) die(2, `Chromium is not installed (${chromium})`)
const puppeteer = require(puppeteerDir)

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
    '.css': 'text/css', '.epub': 'application/epub+zip' }

const serve = () => new Promise(resolve => {
    const server = http.createServer((req, res) => {
        const url = decodeURIComponent(new URL(req.url, 'http://x').pathname)
        let file = null
        if (url === '/favicon.ico') {
            res.writeHead(204).end()
            return
        }
        if (url === '/') file = path.join(__dirname, 'index.html')
        else if (url === '/book.epub') file = book
        else if (url.startsWith('/foliate/')) file = path.join(foliate, url.slice('/foliate/'.length))
        else file = path.join(__dirname, url.slice(1))
        const inside = [__dirname, foliate].some(d => file.startsWith(d + path.sep)) || file === book
        if (!inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
            res.writeHead(404).end()
            return
        }
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
        fs.createReadStream(file).pipe(res)
    })
    server.listen(0, '127.0.0.1', () => resolve(server))
})

const main = async () => {
    const server = await serve()
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'baogao-reader-'))
    const browser = await puppeteer.launch({
        executablePath: chromium, headless: true, userDataDir: profile, args: CHROMIUM_FLAGS,
    })
    const problems = []
    try {
        const page = await browser.newPage()
        page.on('pageerror', e => problems.push(`page error: ${e.message}`))
        page.on('console', m => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
        await page.setViewport(VIEWPORT)
        await page.goto(`http://127.0.0.1:${server.address().port}/`)
        await page.waitForFunction(() => window.harness, { timeout: 30000 })
        const opened = await page.evaluate(url => window.harness.open(url), '/book.epub')

        const refs = []
        for (const ref of await page.evaluate(() => window.harness.noteRefs())) {
            const shown = await page.evaluate(r => window.harness.showRef(r), ref)
            let popup = null
            if (shown.onScreen) {
                await page.touchscreen.tap(shown.x, shown.y)
                popup = await page.waitForFunction(() => window.harness.popups()[0], { timeout: 5000 })
                    .then(h => h.jsonValue(), () => null)
            }
            refs.push({ ...ref, ...shown, popup })
        }
        const land = async entries => {
            const out = []
            for (const e of entries) out.push({ ...e, ...await page.evaluate(h => window.harness.land(h), e.href) })
            return out
        }
        const toc = await land(opened.toc)
        const pageList = await land(opened.pageList)
        const layout = await page.evaluate(() => window.harness.layoutChecks())
        process.stdout.write(JSON.stringify({
            firstPageMs: Math.round(opened.firstPage), sections: opened.sections,
            refs, toc, pageList, layout, problems,
        }) + '\n')
    } finally {
        await browser.close()
        server.close()
        fs.rmSync(profile, { recursive: true, force: true })
    }
}

main().catch(e => die(1, e.stack ?? String(e)))
