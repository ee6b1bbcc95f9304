// The consumer-rights page: ask, watch the answer stream in, open its sources, follow up, give feedback.
//
// Safety rules this file keeps (docs/security.md, "The page"):
// - nothing the service returns is ever inserted as HTML: answers, passages, titles and error messages
//   go in with textContent / text nodes only (no innerHTML, no insertAdjacentHTML, no HTML parsing);
// - the page token lives in this module's memory only; the only thing stored in the browser is the
//   language choice (localStorage "cr-lang"). No cookies, no question, answer or id in any storage.
import { createParser } from "./vendor/eventsource-parser.js";
import { LANGUAGES, applyLanguage, translate } from "./i18n.js";

const LANG_KEY = "cr-lang";
const STAGES = ["accepted", "retrieving", "writing", "done"];

const state = {
  lang: "en",
  conversationId: null,
  controller: null,
  token: null,
  tokens: "unknown", // "token": the gateway issues page tokens; "none": it does not (keys off, or no page)
  renewTimer: null,
  turns: 0,
};

const $ = (id) => document.getElementById(id);
const t = (key) => translate(state.lang, key);

// An element with fixed attributes (names chosen here, never from a response) and text or node children.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "i18n") {
      node.dataset.i18n = value;
      node.textContent = t(value);
    } else if (name === "text") {
      node.textContent = value;
    } else if (name === "hidden") {
      node.hidden = Boolean(value);
    } else {
      node.setAttribute(name, value);
    }
  }
  node.append(...children); // strings become text nodes
  return node;
}

// --- language --------------------------------------------------------------------------------------

function setLanguage(lang, { remember }) {
  state.lang = LANGUAGES.includes(lang) ? lang : "en";
  document.documentElement.lang = state.lang;
  applyLanguage(document, state.lang);
  const button = $("lang");
  button.textContent = t("langButton");
  button.lang = state.lang === "en" ? "hi" : "en";
  $("lang-what").textContent = t("langWhat");
  setText($("question-label"), state.conversationId ? "followUpLabel" : "askLabel");
  if (remember) {
    try {
      localStorage.setItem(LANG_KEY, state.lang);
    } catch {
      // storage may be off: the choice then lasts for this page only
    }
  }
}

function initialLanguage() {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    if (LANGUAGES.includes(stored)) return stored;
  } catch {
    // storage off
  }
  return (navigator.language || "").toLowerCase().startsWith("hi") ? "hi" : "en";
}

// --- page token --------------------------------------------------------------------------------------

async function fetchToken({ renew }) {
  const headers = renew && state.token ? { authorization: `Bearer ${state.token}` } : {};
  let response;
  try {
    response = await fetch("/page-token", { method: "POST", headers, cache: "no-store" });
  } catch {
    return; // offline: the next question tries again
  }
  if (response.status === 404) {
    state.tokens = "none";
    state.token = null;
    return;
  }
  if (response.status !== 201) return; // rate-limited: keep the current token while it lasts
  const body = await response.json();
  state.token = body.token;
  state.tokens = "token";
  clearTimeout(state.renewTimer);
  const renewInS = Math.max(30, Math.floor(body.expires_in_s * 0.6));
  state.renewTimer = setTimeout(() => fetchToken({ renew: true }), renewInS * 1000);
}

function authHeaders() {
  return state.token ? { authorization: `Bearer ${state.token}` } : {};
}

// --- one question and its answer ----------------------------------------------------------------------

class Turn {
  constructor(question) {
    state.turns += 1;
    this.n = state.turns;
    this.queryId = null;
    this.answerText = "";
    this.citationsShown = false;

    this.stages = el("ol", { class: "stages" });
    for (const stage of STAGES) {
      this.stages.append(el("li", { "data-stage": stage, i18n: `stage.${stage}` }));
    }
    this.removed = el("ul", { class: "removed-list" });
    this.removedBox = el("div", { class: "removed", hidden: true },
      el("h4", { i18n: "removedHeading" }), this.removed);
    this.answer = el("div", {
      // the service answers in English whatever the interface language: screen readers pronounce it so
      class: "answer", id: `answer-${this.n}`, lang: "en", "aria-live": "polite", "aria-busy": "true",
      "aria-labelledby": `answer-heading-${this.n}`,
    });
    this.notCovered = notCoveredBox();
    this.citations = el("ul", { class: "citation-list" });
    this.citationsBox = el("section", { class: "citations", hidden: true },
      el("h4", { i18n: "sources" }), this.citations);
    this.copyStatus = el("span", { class: "status", role: "status" });
    this.copyButton = el("button", { type: "button", class: "secondary copy", i18n: "copy" });
    this.copyButton.addEventListener("click", () => this.copy());
    this.actions = el("div", { class: "actions", hidden: true }, this.copyButton, this.copyStatus);
    this.feedback = this.feedbackForm();
    this.error = el("p", { class: "error", hidden: true });

    this.node = el("article", { class: "turn", "aria-labelledby": `asked-${this.n}` },
      el("h3", { id: `asked-${this.n}`, class: "asked", i18n: "youAsked" }),
      el("p", { class: "question", text: question }),
      this.removedBox,
      this.stages,
      el("h3", { id: `answer-heading-${this.n}`, class: "answer-heading", i18n: "answerHeading" }),
      this.answer,
      this.error,
      this.notCovered,
      this.citationsBox,
      this.actions,
      this.feedback,
    );
    $("thread").append(this.node);
    this.node.scrollIntoView({ block: "nearest" });
  }

  event(name, data) {
    if (name === "accepted") this.accepted(data);
    else if (name === "stage") this.stage(data.stage);
    else if (name === "citations") this.showCitations(data.citations || []);
    else if (name === "delta") this.delta(data.text || "");
    else if (name === "done") this.done(data);
    else if (name === "error") this.fail(data);
  }

  accepted(data) {
    this.queryId = data.query_id || null;
    if (this.queryId) this.node.dataset.queryId = this.queryId;
    if (data.conversation_id) rememberConversation(data.conversation_id);
    this.showRemoved(data.pii_found || []);
    this.stage("accepted");
  }

  stage(name) {
    const at = STAGES.indexOf(name);
    if (at < 0) return;
    for (const item of this.stages.children) {
      const i = STAGES.indexOf(item.dataset.stage);
      item.classList.toggle("complete", i < at || name === "done");
      item.classList.toggle("current", i === at && name !== "done");
    }
    setStatus(`stage.${name}`);
  }

  delta(text) {
    this.answerText += text;
    this.answer.textContent = this.answerText;
  }

  done(body) {
    this.queryId = body.query_id || this.queryId;
    if (this.queryId) this.node.dataset.queryId = this.queryId;
    if (body.conversation_id) rememberConversation(body.conversation_id);
    if (this.removed.children.length === 0) this.showRemoved(body.pii_found || []);
    this.answerText = body.answer || "";
    this.answer.textContent = this.answerText; // the final text, placeholders restored, as stored
    this.showCitations(body.citations || []);
    this.notCovered.hidden = body.answered !== false;
    this.answer.setAttribute("aria-busy", "false");
    this.stage("done");
    this.actions.hidden = false;
    this.feedback.hidden = !this.queryId;
  }

  fail(error) {
    this.answer.setAttribute("aria-busy", "false");
    this.error.hidden = false;
    this.error.replaceChildren(el("span", { i18n: "errorPrefix" }), " ",
      (error && error.message) || t("stage.error"));
    for (const item of this.stages.children) item.classList.remove("current");
    setStatus("stage.error");
  }

  stopped() {
    this.answer.setAttribute("aria-busy", "false");
    for (const item of this.stages.children) item.classList.remove("current");
    this.error.hidden = false;
    this.error.replaceChildren(el("span", { i18n: "stage.stopped" }));
    setStatus("stage.stopped");
    if (this.answerText) this.actions.hidden = false;
  }

  showRemoved(types) {
    this.removed.replaceChildren();
    const known = new Set();
    for (const type of types) {
      const key = `removed.${type}`;
      const item = translate("en", key) === key ? "removed.other" : key;
      if (known.has(item)) continue;
      known.add(item);
      this.removed.append(el("li", { i18n: item }));
    }
    this.removedBox.hidden = this.removed.children.length === 0;
  }

  showCitations(citations) {
    if (this.citationsShown && citations.length === 0) return;
    this.citations.replaceChildren();
    citations.forEach((citation, i) => {
      const passageId = `passage-${this.n}-${i + 1}`;
      const section = citation.section || "";
      const sectionKey = section.includes(",") ? "sections" : "section";
      const label = el("button", {
        type: "button", class: "citation", "aria-expanded": "false", "aria-controls": passageId,
      }, `[${i + 1}] `);
      if (section) label.append(el("span", { i18n: sectionKey }), ` ${section}`);
      if (section && citation.title) label.append(" — ");
      if (citation.title) label.append(citation.title);
      if (!section && !citation.title) label.append(citation.source || "");
      const passage = el("blockquote", { id: passageId, class: "passage", lang: "en", hidden: true },
        el("p", { text: citation.snippet || "" }),
        el("p", { class: "source", text: [citation.source, citation.page && `p. ${citation.page}`]
          .filter(Boolean).join(", ") }));
      label.addEventListener("click", () => {
        const open = label.getAttribute("aria-expanded") === "true";
        label.setAttribute("aria-expanded", String(!open));
        passage.hidden = open;
      });
      this.citations.append(el("li", {}, label, passage));
    });
    this.citationsShown = citations.length > 0;
    this.citationsBox.hidden = !this.citationsShown;
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.answerText);
      this.copyStatus.textContent = t("copied");
    } catch {
      this.copyStatus.textContent = t("copyFailed");
    }
  }

  feedbackForm() {
    const commentId = `comment-${this.n}`;
    const comment = el("textarea", { id: commentId, rows: "2", maxlength: "1000" });
    const status = el("p", { class: "status", role: "status" });
    const helpful = el("button", { type: "button", class: "secondary", i18n: "helpful" });
    const notHelpful = el("button", { type: "button", class: "secondary", i18n: "notHelpful" });
    const box = el("fieldset", { class: "feedback", hidden: true },
      el("legend", { i18n: "feedbackQuestion" }),
      el("label", { for: commentId, i18n: "feedbackComment" }), comment,
      el("div", { class: "buttons" }, helpful, notHelpful), status);
    const send = async (isHelpful) => {
      const body = { helpful: isHelpful };
      if (comment.value.trim()) body.comment = comment.value.trim();
      helpful.disabled = notHelpful.disabled = true;
      let ok = false;
      try {
        const response = await fetch(`/queries/${encodeURIComponent(this.queryId)}/feedback`, {
          method: "POST", headers: { "content-type": "application/json", ...authHeaders() },
          body: JSON.stringify(body),
        });
        ok = response.status === 201;
      } catch {
        ok = false;
      }
      status.replaceChildren(el("span", { i18n: ok ? "feedbackThanks" : "feedbackFailed" }));
      if (ok) comment.disabled = true;
      else helpful.disabled = notHelpful.disabled = false;
    };
    helpful.addEventListener("click", () => send(true));
    notHelpful.addEventListener("click", () => send(false));
    return box;
  }
}

function notCoveredBox() {
  return el("aside", { class: "not-covered", hidden: true },
    el("h4", { i18n: "notCoveredHeading" }),
    el("p", { i18n: "notCoveredHelpline" }),
    el("p", {},
      el("a", { href: "tel:1915" }, "1915"), " · ",
      el("a", { href: "https://consumerhelpline.gov.in/", rel: "noopener noreferrer", i18n: "helplineLink" })),
    el("p", { i18n: "notCoveredPortal" }),
    el("p", {},
      el("a", { href: "https://e-jagriti.gov.in/", rel: "noopener noreferrer", i18n: "portalLink" })));
}

function rememberConversation(id) {
  state.conversationId = id;
  $("new").hidden = false;
  setText($("question-label"), "followUpLabel");
}

// Interface text that follows the language switch.
function setText(node, key) {
  node.dataset.i18n = key;
  node.textContent = t(key);
}

function setStatus(key) {
  setText($("status"), key);
}

function setBusy(busy) {
  $("send").disabled = busy;
  $("stop").hidden = !busy;
  $("question").setAttribute("aria-busy", String(busy));
}

async function postQuery(body, signal) {
  return fetch("/query", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...authHeaders() },
    body: JSON.stringify(body),
    signal,
    cache: "no-store",
  });
}

async function readStream(response, turn) {
  let ended = false;
  const parser = createParser({
    onEvent(event) {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (event.event === "done" || event.event === "error") ended = true;
      turn.event(event.event || "message", data);
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  if (!ended) turn.fail(null); // the stream ended without done or error (a dropped connection)
}

async function errorOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

async function ask(question) {
  const turn = new Turn(question);
  const controller = new AbortController();
  state.controller = controller;
  setBusy(true);
  setStatus("working");
  const body = { question };
  if (state.conversationId) body.conversation_id = state.conversationId;
  try {
    if (state.tokens === "unknown") await fetchToken({ renew: false });
    let response = await postQuery(body, controller.signal);
    if (response.status === 401 && state.tokens === "token") {
      await fetchToken({ renew: false }); // expired, or the address changed: a new page token
      response = await postQuery(body, controller.signal);
    }
    if (response.status === 401 && state.tokens !== "token") {
      turn.fail({ message: t("pageUnavailable") });
    } else if (!response.ok) {
      turn.fail(await errorOf(response));
    } else if ((response.headers.get("content-type") || "").startsWith("text/event-stream")) {
      await readStream(response, turn);
    } else {
      turn.done(await response.json()); // a gateway without streaming: the whole answer at once
    }
  } catch (error) {
    if (error && error.name === "AbortError") turn.stopped();
    else turn.fail(null);
  } finally {
    state.controller = null;
    setBusy(false);
  }
}

function start() {
  setLanguage(initialLanguage(), { remember: false });
  const form = $("ask");
  const question = $("question");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state.controller) return;
    const text = question.value.trim();
    if (!text) {
      setStatus("emptyQuestion");
      question.focus();
      return;
    }
    question.value = "";
    ask(text);
  });
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => {
    if (state.controller) state.controller.abort();
    question.focus();
  });
  $("new").addEventListener("click", () => {
    state.conversationId = null;
    $("thread").querySelectorAll(".turn").forEach((node) => node.remove());
    $("new").hidden = true;
    setText($("question-label"), "askLabel");
    delete $("status").dataset.i18n;
    $("status").textContent = "";
    question.focus();
  });
  $("lang").addEventListener("click", () => setLanguage(state.lang === "en" ? "hi" : "en", { remember: true }));
  fetchToken({ renew: false });
}

start();
