// Autosave for a self-assessment section: progressive enhancement over a form that works without it.
//
// Loaded as <script type="module"> on the section page only (no inline script, so a strict
// Content-Security-Policy keeps working). The form carries what the script needs:
//   data-autosave-url   where to POST the section (FormData, CSRF token from the form's hidden input)
//   data-storage-key    localStorage key for this assessment and section
//   data-last-saved     when the server last saved this assessment (ms since 1970, server clock)
//   data-server-now     the server's clock when the page was made (to correct for this device's clock)
//   data-sign-in-url    where to sign in again and come back to this page
//   data-has-errors     present when the server re-rendered the page with validation errors
//
// Typing saves after a pause of DEBOUNCE_MS. If a save fails (signed out, offline, server error), the
// answers are kept in localStorage; the next time this page loads, answers kept on the device that are
// newer than the server's copy are put back into the form and saved, then removed from the device.

const DEBOUNCE_MS = 2000;

const form = document.querySelector("form[data-autosave-url]");
const statusRegion = document.getElementById("autosave-status");

if (form && statusRegion && window.fetch && window.FormData) {
  const url = form.dataset.autosaveUrl;
  const storageKey = form.dataset.storageKey;
  const lastSaved = Number(form.dataset.lastSaved) || 0;
  // Timestamps are kept on the server's clock, so "newer than the server's copy" does not depend on
  // this device's clock being right.
  const clockOffset = (Number(form.dataset.serverNow) || Date.now()) - Date.now();
  const serverNow = () => Date.now() + clockOffset;

  let timer = null;
  let saving = false;
  let again = false;

  const storage = (() => {
    try {
      const probe = "selfdirect-autosave-probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch {
      return null; // private browsing or storage turned off: autosave still works, keeping a copy does not
    }
  })();

  const answers = () => {
    const entries = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") entries.push([name, value]);
    }
    return entries;
  };

  const keepOnDevice = () => {
    if (!storage) return;
    try {
      storage.setItem(storageKey, JSON.stringify({ savedAt: serverNow(), entries: answers() }));
    } catch {
      // Storage full: nothing more can be done here.
    }
  };

  const forgetOnDevice = () => {
    if (storage) storage.removeItem(storageKey);
  };

  const say = (text, link) => {
    statusRegion.textContent = text;
    if (link) {
      statusRegion.append(" ");
      const a = document.createElement("a");
      a.className = "govuk-link";
      a.href = link.href;
      a.textContent = link.text;
      statusRegion.append(a);
    }
  };

  const csrfToken = () => {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };

  const save = async () => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    const body = new FormData(form);
    let response = null;
    let data = null;
    try {
      response = await fetch(url, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
      if ((response.headers.get("Content-Type") || "").includes("application/json")) {
        data = await response.json();
      }
    } catch {
      response = null;
    }
    saving = false;

    if (response && response.ok && data && data.saved) {
      forgetOnDevice();
      // Forms under optimistic locking carry the version they started from: the save made a new one.
      const version = form.querySelector('input[name="version"]');
      if (version && data.version !== undefined) version.value = data.version;
      say(`Saved at ${data.saved_at_display}`);
    } else if (response && (response.status === 401 || response.status === 403)) {
      // Signed out (or the session changed, so the CSRF token no longer matches): keep the answers here.
      keepOnDevice();
      const message =
        (data && data.message) ||
        "You have been signed out. Your answers are kept on this device: sign in again to save them";
      say(message, { href: form.dataset.signInUrl, text: "Sign in again" });
    } else if (response && response.status === 409 && data && data.errors) {
      // Someone else saved first: nothing of theirs is overwritten, and these answers stay on this device.
      keepOnDevice();
      say(`Not saved: ${Object.values(data.errors).flat()[0]}`);
    } else if (response && response.status === 400 && data && data.errors) {
      keepOnDevice();
      const first = Object.values(data.errors).flat()[0] || "Check your answers";
      say(`Not saved yet: ${first}.`);
    } else {
      keepOnDevice();
      say("Your answers could not be saved just now. They are kept on this device and will be saved when you continue.");
    }
    if (again) {
      again = false;
      save();
    }
  };

  const schedule = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DEBOUNCE_MS);
  };

  const restore = (entries) => {
    const values = new Map();
    for (const [name, value] of entries) {
      if (!values.has(name)) values.set(name, []);
      values.get(name).push(value);
    }
    for (const element of form.elements) {
      if (!element.name || element.name === "csrfmiddlewaretoken" || element.type === "submit") continue;
      const kept = values.get(element.name) || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = kept.includes(element.value);
      } else if ("value" in element) {
        element.value = kept.length ? kept[0] : "";
      }
    }
  };

  // Answers kept on this device from an earlier visit that never reached the server.
  if (storage) {
    let kept = null;
    try {
      kept = JSON.parse(storage.getItem(storageKey) || "null");
    } catch {
      kept = null;
    }
    if (kept && Array.isArray(kept.entries) && kept.savedAt > lastSaved && !form.dataset.hasErrors) {
      restore(kept.entries);
      say("We have put back answers you typed earlier that had not been saved. Saving them now.");
      save();
    } else if (kept && !form.dataset.hasErrors) {
      forgetOnDevice(); // older than what the server has: the server's copy wins
    }
    // Copies of this assessment's other sections that the server has since saved are not needed either:
    // answers about someone's care should not stay on a shared computer longer than they must.
    const prefix = storageKey.slice(0, storageKey.lastIndexOf(":") + 1);
    for (let i = storage.length - 1; i >= 0; i -= 1) {
      const key = storage.key(i);
      if (!key || key === storageKey || !key.startsWith(prefix)) continue;
      try {
        const other = JSON.parse(storage.getItem(key) || "null");
        if (!other || !(other.savedAt > lastSaved)) storage.removeItem(key);
      } catch {
        storage.removeItem(key);
      }
    }
  }

  const hint = document.getElementById("autosave-hint");
  if (hint) hint.hidden = false;

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", () => {
    // The ordinary submit saves everything. Keep a copy in case the session has ended: if the save
    // succeeds the server's copy is newer, and the copy is discarded on the next visit.
    window.clearTimeout(timer);
    keepOnDevice();
  });
}
