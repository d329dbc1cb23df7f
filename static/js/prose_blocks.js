// The body editor's blocks: photo, gallery, embed, pull quote and fact box (Tiptap nodes for
// django-prose-editor). Each is an atom stored as an empty placeholder element whose data-
// attributes say what to show (articles/body_blocks.py is the server's side: what may be
// stored, and the reader markup). Photos are picked from the library with the admin's own
// lookup popup; the editor shows a thumbnail from the library's card endpoint. Also here:
// the word count and reading time under the editor, and paste cleanup.
import {
  crel,
  Extension,
  gettext,
  mergeAttributes,
  Node,
  Plugin,
  pm,
  updateAttrsDialog,
} from "django-prose-editor/editor"

// Django's catalogue (the admin's jsi18n), as the editor's own gettext falls back.
const ngettext = window.ngettext || ((singular, plural, count) => (count === 1 ? singular : plural))
// The admin's root (the header's link to it): the editor is on articles' and flat pages' forms.
const ADMIN =
  document.querySelector("#site-name a")?.getAttribute("href") ||
  window.location.pathname.split("articles/")[0]
const LIBRARY = `${ADMIN}articles/image/`
const ARTICLES = `${ADMIN}articles/article/`
const WORDS_PER_MINUTE = 230

const dataAttr = (name, fallback = "") => ({
  default: fallback,
  parseHTML: (element) => element.getAttribute(`data-${name}`) || fallback,
  renderHTML: (attributes) =>
    attributes[name] ? { [`data-${name}`]: attributes[name] } : {},
})

// One library pick through Django's lookup popup; resolves with the photo's id.
let pickCounter = 0
function pickPhoto() {
  return new Promise((resolve) => {
    const $ = window.django?.jQuery
    const id = `prose_photo_pick_${++pickCounter}`
    const input = crel("input", { type: "hidden", id })
    const link = crel("a", { id: `lookup_${id}`, href: `${LIBRARY}?_to_field=id`, hidden: true })
    document.body.append(input, link)
    const done = (value) => {
      input.remove()
      link.remove()
      resolve(value)
    }
    if ($ && window.showRelatedObjectLookupPopup) {
      $(input).on("change", () => done(input.value))
      window.showRelatedObjectLookupPopup(link)
    } else {
      done(window.prompt(gettext("Photo number in the library")) || "")
    }
  })
}

async function photoCard(pk) {
  try {
    const response = await fetch(`${LIBRARY}${encodeURIComponent(pk)}/card/`, {
      credentials: "same-origin",
    })
    return response.ok ? await response.json() : null
  } catch {
    return null
  }
}

function blockView(label, describe) {
  return ({ node, editor, getPos }) => {
    const dom = crel("div", { className: `prose-block prose-block--${node.type.name}` })
    dom.contentEditable = "false"
    const title = crel("p", { className: "prose-block__label", textContent: label })
    const body = crel("div", { className: "prose-block__body" })
    const edit = crel("button", { type: "button", textContent: gettext("Edit") })
    edit.addEventListener("click", () => {
      editor.chain().setNodeSelection(getPos()).run()
      editor.commands[`edit${node.type.name[0].toUpperCase()}${node.type.name.slice(1)}`]?.()
    })
    dom.append(title, body, edit)
    describe(node, body)
    return {
      dom,
      update(updated) {
        if (updated.type !== node.type) return false
        node = updated
        body.replaceChildren()
        describe(node, body)
        return true
      },
    }
  }
}

function thumbnails(ids, body) {
  for (const pk of ids) {
    const figure = crel("figure", { className: "prose-block__photo" }, [
      crel("figcaption", { textContent: `#${pk}` }),
    ])
    body.append(figure)
    photoCard(pk).then((card) => {
      if (!card) {
        figure.querySelector("figcaption").textContent = gettext("Photo %s is not in the library").replace("%s", pk)
        return
      }
      figure.prepend(crel("img", { src: card.thumbnail, alt: card.alt }))
      figure.querySelector("figcaption").textContent = card.title
    })
  }
}

function selectedAttrs(editor, name) {
  const { node } = editor.state.selection
  return node && node.type.name === name ? node.attrs : null
}

// The caret goes after a new block, never stays on it: a selected block is replaced by the
// next key pressed, and a journalist typing on would lose it without noticing.
function insertBlock(editor, type, attrs) {
  editor
    .chain()
    .focus()
    .insertContent({ type, attrs })
    .command(({ tr }) => {
      if (!(tr.selection instanceof pm.state.NodeSelection)) return true
      const after = tr.selection.to
      const next = tr.doc.resolve(after).nodeAfter
      if (!next || !next.isTextblock) tr.insert(after, editor.schema.nodes.paragraph.create())
      tr.setSelection(pm.state.TextSelection.create(tr.doc, after + 1))
      return true
    })
    .run()
}

function blockNode({ name, tag, label, attrs, describe, dialog, icon, insert }) {
  const command = `${name[0].toUpperCase()}${name.slice(1)}`
  return Node.create({
    name,
    group: "block",
    atom: true,
    draggable: true,
    selectable: true,
    addAttributes() {
      return attrs
    },
    parseHTML() {
      return [{ tag: `${tag}[data-block="${name}"]` }]
    },
    renderHTML({ HTMLAttributes }) {
      return [tag, mergeAttributes({ "data-block": name }, HTMLAttributes)]
    },
    addNodeView() {
      return blockView(label, describe)
    },
    addCommands() {
      return {
        [`insert${command}`]:
          () =>
          ({ editor }) => {
            ;(insert ? insert(editor) : dialog(editor, {})).then((values) => {
              if (values) insertBlock(editor, name, values)
            })
            return true
          },
        [`edit${command}`]:
          () =>
          ({ editor }) => {
            const current = selectedAttrs(editor, name)
            if (!current) return false
            dialog(editor, current).then((values) => {
              if (values) editor.chain().focus().updateAttributes(name, values).run()
            })
            return true
          },
      }
    },
    addMenuItems({ buttons, menu }) {
      menu.defineItem({
        name: `insert${command}`,
        groups: "blocks",
        command: (editor) => editor.commands[`insert${command}`](),
        button: buttons.material(icon, label),
      })
    },
  })
}

const photoDialog = updateAttrsDialog(
  {
    image: { title: gettext("Photo number in the library"), type: "string" },
    width: { title: gettext("Width"), enum: ["full", "wide", "inset"] },
    caption: {
      title: gettext("Caption (empty: the library's caption)"),
      type: "string",
      format: "textarea",
    },
  },
  { title: gettext("Photo") },
)

export const Photo = blockNode({
  name: "photo",
  tag: "figure",
  label: gettext("Photo"),
  icon: "image",
  attrs: { image: dataAttr("image"), width: dataAttr("width", "full"), caption: dataAttr("caption") },
  describe(node, body) {
    thumbnails([node.attrs.image], body)
    body.append(crel("p", { className: "prose-block__lines", textContent: `${node.attrs.width} · ${node.attrs.caption || ""}` }))
  },
  dialog: photoDialog,
  async insert(editor) {
    const image = await pickPhoto()
    if (!image) return null
    return photoDialog(editor, { image, width: "full", caption: "" })
  },
})

const galleryDialog = updateAttrsDialog(
  { images: { title: gettext("Photo numbers, in order, separated by commas"), type: "string" } },
  {
    title: gettext("Gallery"),
    actions: [
      {
        text: gettext("Add a photo from the library"),
        handler: async (_values, form) => {
          const pk = await pickPhoto()
          const field = form.querySelector("[name=images]")
          if (pk) field.value = field.value ? `${field.value},${pk}` : pk
        },
      },
    ],
  },
)

export const Gallery = blockNode({
  name: "gallery",
  tag: "figure",
  label: gettext("Gallery"),
  icon: "photo_library",
  attrs: { images: dataAttr("images") },
  describe(node, body) {
    thumbnails((node.attrs.images || "").split(",").filter(Boolean), body)
  },
  dialog: galleryDialog,
})

const embedDialog = updateAttrsDialog(
  {
    url: {
      title: gettext("Address of the post, video, chart or map"),
      type: "string",
      format: "url",
      description: gettext(
        "YouTube, Vimeo, X, Instagram, TikTok, Facebook, SoundCloud, Spotify, Datawrapper, Flourish, Google Maps",
      ),
    },
  },
  { title: gettext("Embed") },
)

async function checkEmbed(url) {
  try {
    const response = await fetch(`${ARTICLES}embed-check/?${new URLSearchParams({ url })}`, {
      credentials: "same-origin",
    })
    return await response.json()
  } catch {
    return { ok: false, message: gettext("The address could not be checked.") }
  }
}

// An address no provider can show: said plainly, and kept in the text as a link.
async function checkedEmbed(editor, values) {
  if (!values?.url) return null
  const answer = await checkEmbed(values.url)
  if (answer.ok) return { url: values.url }
  window.alert(answer.message)
  editor
    .chain()
    .focus()
    .insertContent({
      type: "paragraph",
      content: [{ type: "text", text: values.url, marks: [{ type: "link", attrs: { href: values.url } }] }],
    })
    .unsetMark("link")  // typing on after the link writes plain text, not more of the link
    .run()
  return null
}

export const Embed = blockNode({
  name: "embed",
  tag: "figure",
  label: gettext("Embed"),
  icon: "smart_display",
  attrs: { url: dataAttr("url") },
  describe(node, body) {
    body.append(crel("p", { textContent: node.attrs.url }))
  },
  dialog: async (editor, attrs) => checkedEmbed(editor, await embedDialog(editor, attrs)),
})

const quoteDialog = updateAttrsDialog(
  {
    quote: { title: gettext("Quote"), type: "string", format: "textarea" },
    attribution: { title: gettext("Who said it"), type: "string" },
  },
  { title: gettext("Pull quote") },
)

export const Pullquote = blockNode({
  name: "pullquote",
  tag: "aside",
  label: gettext("Pull quote"),
  icon: "format_quote",
  attrs: { quote: dataAttr("quote"), attribution: dataAttr("attribution") },
  describe(node, body) {
    body.append(
      crel("blockquote", { className: "prose-block__lines", textContent: node.attrs.quote }),
      crel("p", { textContent: node.attrs.attribution ? `— ${node.attrs.attribution}` : "" }),
    )
  },
  dialog: quoteDialog,
})

const factDialog = updateAttrsDialog(
  {
    title: { title: gettext("Title"), type: "string" },
    text: { title: gettext("Text"), type: "string", format: "textarea" },
    article: {
      title: gettext("Related story (optional): type to search, pick one"),
      type: "string",
    },
  },
  { title: gettext("Fact box") },
)

// The related story's field searches published stories as the editor types (a datalist of
// "number — headline"; the number is what is stored).
function relatedSearch() {
  document.addEventListener("input", async (event) => {
    const field = event.target
    if (!(field instanceof HTMLInputElement) || field.name !== "article") return
    if (!field.closest(".prose-editor-dialog")) return
    const query = field.value.trim()
    if (query.length < 2 || /^\d+$/.test(query.split(" ")[0]) && query.includes(" — ")) return
    let list = document.getElementById(`${field.id}-choices`)
    if (!list) {
      list = crel("datalist", { id: `${field.id}-choices` })
      field.after(list)
      field.setAttribute("list", list.id)
    }
    const response = await fetch(`${ARTICLES}related-search/?${new URLSearchParams({ q: query })}`, {
      credentials: "same-origin",
    })
    if (!response.ok) return
    const { results } = await response.json()
    list.replaceChildren(...results.map((item) => crel("option", { value: `${item.id} — ${item.headline}` })))
  })
}
relatedSearch()

const articleNumber = (value) => (String(value || "").match(/^\s*(\d+)/) || [])[1] || ""

export const Factbox = blockNode({
  name: "factbox",
  tag: "aside",
  label: gettext("Fact box"),
  icon: "info",
  attrs: { title: dataAttr("title"), text: dataAttr("text"), article: dataAttr("article") },
  describe(node, body) {
    body.append(
      crel("strong", { textContent: node.attrs.title }),
      crel("p", { className: "prose-block__lines", textContent: node.attrs.text }),
      crel("p", { textContent: node.attrs.article ? `→ #${node.attrs.article}` : "" }),
    )
  },
  dialog: async (editor, attrs) => {
    const values = await factDialog(editor, attrs)
    return values && { ...values, article: articleNumber(values.article) }
  },
})

// Word count and reading time under the editor, kept current as the text changes.
function countWords(editor) {
  const text = editor.state.doc.textBetween(0, editor.state.doc.content.size, " ", " ")
  return (text.match(/\S+/g) || []).length
}

const WordCount = Extension.create({
  name: "wordCount",
  onCreate() {
    const container = this.editor.view.dom.closest(".prose-editor") || this.editor.view.dom.parentElement
    this.storage.output = crel("p", { className: "prose-word-count" })
    this.storage.output.setAttribute("aria-live", "polite")
    container.append(this.storage.output)
    this.options.show(this.editor, this.storage.output)
  },
  onUpdate() {
    this.options.show(this.editor, this.storage.output)
  },
  addOptions() {
    return {
      show(editor, output) {
        const words = countWords(editor)
        const minutes = Math.max(1, Math.ceil(words / WORDS_PER_MINUTE))
        const parts = [ngettext("%(words)s word", "%(words)s words", words).replace("%(words)s", words.toLocaleString())]
        if (words) parts.push(ngettext("%(minutes)s min read", "%(minutes)s min read", minutes).replace("%(minutes)s", minutes))
        output.textContent = parts.join(" · ")
      },
    }
  },
  addStorage() {
    return { output: null }
  },
})

// Paste from Word or Google Docs: headings, links, lists, bold and italic survive (the
// editor's schema keeps them), everything else of the source's formatting goes. This is the
// one place pasted HTML is cleaned. It works on a parsed copy, and reads styles through the
// CSS parser, so that Word's "mso-bidi-font-weight:normal" is not taken for
// "font-weight:normal".
const HEADING_FOR = { h1: "h2", h5: "h4", h6: "h4" } // the story's headline is the page's h1
const NORMAL_WEIGHT = /^(normal|lighter|[1-4]00)$/
const BOLD_WEIGHT = /^(bold|bolder|[6-9]00)$/
const WORD_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i
const WORD_MARKER = /mso-list:\s*ignore/i
const ORDERED_MARKER = /^\(?(\d{1,4}|[a-z]|[ivxlcdm]{1,6})[.)]$/i

function unwrap(element) {
  element.replaceWith(...element.childNodes)
}

function wrapContent(element, tag) {
  const wrapper = element.ownerDocument.createElement(tag)
  wrapper.append(...element.childNodes)
  element.append(wrapper)
}

function renamed(element, tag) {
  const replacement = element.ownerDocument.createElement(tag)
  replacement.append(...element.childNodes)
  element.replaceWith(replacement)
  return replacement
}

// "i." and "iv." number in Roman numerals, "a." and "b." in letters; "I."/"A.", in capitals.
function romanOrLetter(marker) {
  const type = /^(i|[ivxlcdm]{2,})$/i.test(marker) ? "i" : "a"
  return marker === marker.toUpperCase() ? type.toUpperCase() : type
}

// A Word list paragraph ("mso-list:l0 level1 lfo1", its bullet or number in a span Word
// marks "mso-list:Ignore"): which list, how deep, numbered or not; the marker is taken out.
// Null for any other paragraph.
function wordListItem(paragraph) {
  const found = WORD_LIST.exec(paragraph.getAttribute("style") || "")
  const marker = found && [...paragraph.querySelectorAll("[style]")].find((span) =>
    WORD_MARKER.test(span.getAttribute("style")),
  )
  if (!marker) return null
  const text = marker.textContent.replace(/\s+/g, "")
  marker.remove()
  const ordered = ORDERED_MARKER.exec(text)
  const number = ordered && /^\d+$/.test(ordered[1]) ? Number(ordered[1]) : 0
  return {
    list: found[1],
    level: Number(found[2]),
    ordered: Boolean(ordered),
    start: number,
    type: ordered && !number ? romanOrLetter(ordered[1]) : "",
  }
}

// Consecutive Word list paragraphs become one list; a deeper level, a list inside the item
// before it.
function wordLists(body) {
  let open = [] // the lists being filled, outermost first: {element, level, ordered, list, item}
  for (const paragraph of body.querySelectorAll("p")) {
    const found = wordListItem(paragraph)
    if (!found) continue
    if (!open.length || paragraph.previousElementSibling !== open[0].element || open[0].list !== found.list) {
      open = []
    }
    while (open.length && open.at(-1).level > found.level) open.pop()
    if (open.length && open.at(-1).level === found.level && open.at(-1).ordered !== found.ordered) {
      open.pop()
    }
    let current = open.at(-1)
    if (!current || current.level < found.level) {
      const element = body.ownerDocument.createElement(found.ordered ? "ol" : "ul")
      if (found.start > 1) element.setAttribute("start", found.start)
      if (found.type) element.setAttribute("type", found.type)
      if (current) current.item.append(element)
      else paragraph.before(element)
      current = { ...found, element, item: null }
      open.push(current)
    }
    current.item = body.ownerDocument.createElement("li")
    current.element.append(current.item)
    paragraph.removeAttribute("class")
    current.item.append(paragraph)
  }
}

function cleanPastedHTML(html) {
  // A template parses as the editor would (a table's cells without their table, too) into
  // an inert document.
  const template = document.createElement("template")
  template.innerHTML = html
    .replace(/<!--\[if[^\]]*\]>[\s\S]*?<!\[endif\]-->/gi, "")
    .replace(/<style[\s\S]*?<\/style>/gi, "")
    .replace(/<\/?(o|w|m|v):[^>]*>/gi, "")
  const body = template.content
  wordLists(body)
  for (let element of body.querySelectorAll("*")) {
    const name = element.localName
    if (HEADING_FOR[name]) element = renamed(element, HEADING_FOR[name])
    if (name === "br" && element.classList.contains("Apple-interchange-newline")) {
      element.remove()
      continue
    }
    // Links into the source document (Word's footnotes, its table of contents) lead nowhere
    // in a story: their text stays.
    if (name === "a" && !/^[^#]/.test(element.getAttribute("href") || "")) {
      unwrap(element)
      continue
    }
    const { fontWeight, fontStyle } = element.style
    const inHeading = element.closest("h1, h2, h3, h4, h5, h6")
    if (name === "span" || name === "font") {
      // Google Docs marks bold and italic words with styles alone.
      if (BOLD_WEIGHT.test(fontWeight) && !inHeading) wrapContent(element, "strong")
      if (fontStyle === "italic" || fontStyle === "oblique") wrapContent(element, "em")
    } else if ((name === "b" || name === "strong") && NORMAL_WEIGHT.test(fontWeight)) {
      // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold at all.
      if (fontStyle === "italic") wrapContent(element, "em")
      unwrap(element)
      continue
    } else if ((name === "i" || name === "em") && fontStyle === "normal") {
      unwrap(element)
      continue
    }
    element.removeAttribute("style")
  }
  return template.innerHTML
}

const PasteCleanup = Extension.create({
  name: "pasteCleanup",
  addProseMirrorPlugins() {
    return [new Plugin({ props: { transformPastedHTML: cleanPastedHTML } })]
  },
})

export const NewsBlocks = Extension.create({
  name: "newsBlocks",
  addExtensions() {
    return [Photo, Gallery, Embed, Pullquote, Factbox, WordCount, PasteCleanup]
  },
})
