// The moderators' console at keyboard speed, and image evidence kept blurred until asked for.
// Progressive enhancement: every key stands for a link, a button or a field already on the page,
// so the console works the same without this script. Loaded from a file because the
// Content-Security-Policy allows no inline script and no inline handler.
(() => {
  "use strict";

  const REVEALED = "hubmod.evidence.revealed.";
  // Inputs that take no characters. In any other field (and in a select, whose type-ahead takes
  // letters) a letter is text, not a key.
  const NOT_TYPED_INTO = new Set(["checkbox", "radio", "button", "submit", "reset", "file", "image", "range", "color"]);

  const isTypingIn = (element) => {
    if (!element) return false;
    if (element.isContentEditable) return true;
    if (element.tagName === "TEXTAREA" || element.tagName === "SELECT") return true;
    return element.tagName === "INPUT" && !NOT_TYPED_INTO.has(element.type);
  };

  const decideForm = () => document.querySelector("[data-decide-form]");

  // A key named on the page (data-key): a link or a button, and pressing the key clicks it.
  const press = (key) => {
    const target = document.querySelector(`[data-key="${key}"]`);
    if (!target) return false;
    target.click();
    return true;
  };

  // The queue: j and k move a visible ring between its rows, on the row's case link, so Enter
  // opens the case as it would from a tab.
  const rows = Array.from(document.querySelectorAll("[data-case-row]"));
  let current = -1;

  const showRow = (index) => {
    rows.forEach((row, i) => row.classList.toggle("is-current", i === index));
    current = index;
  };

  const moveRow = (step) => {
    const target = current + step;
    if (target >= rows.length) {
      // Past the last row of a page: on to the next page, if there is one.
      return press("next-page");
    }
    if (target < 0) return true;
    showRow(target);
    rows[target].querySelector("[data-case-link]").focus();
    return true;
  };

  // A row reached with Tab or the mouse becomes the current one, so j and k go on from there.
  rows.forEach((row, index) => row.addEventListener("focusin", () => showRow(index)));

  const openDecide = () => {
    const form = decideForm();
    if (!form) return false;
    // Its first field, the first of the actions.
    form.querySelector("input:not([type=hidden]), select, textarea").focus();
    return true;
  };

  const pickAction = (position) => {
    const form = decideForm();
    const box = form && form.querySelectorAll('input[name="actions"]')[position - 1];
    if (!box) return false;
    box.click();
    box.focus();
    return true;
  };

  const focusStatement = () => {
    const form = decideForm();
    const statement = form && form.querySelector('[name="statement"]');
    if (!statement) return false;
    statement.focus();
    // The category's template leaves [placeholders] to write over: the first is selected, so that
    // typing replaces it; without one the caret waits at the end.
    const placeholder = /\[[^\]\n]*\]/.exec(statement.value);
    if (placeholder) statement.setSelectionRange(placeholder.index, placeholder.index + placeholder[0].length);
    else statement.setSelectionRange(statement.value.length, statement.value.length);
    return true;
  };

  const focusFilter = () => {
    const filter = document.querySelector("[data-queue-filter]");
    const field = filter && filter.querySelector("input:not([type=hidden]), select");
    if (!field) return false;
    field.focus();
    return true;
  };

  // The list of keys: a real dialog; Esc closes it and the focus goes back where it was.
  const help = document.querySelector("[data-keys-help]");
  let focusBeforeHelp = null;

  const openHelp = () => {
    if (!help || help.open) return false;
    focusBeforeHelp = document.activeElement;
    help.showModal();
    return true;
  };

  if (help) {
    help.addEventListener("close", () => {
      if (focusBeforeHelp && focusBeforeHelp !== document.body && focusBeforeHelp.isConnected) {
        focusBeforeHelp.focus();
      }
      focusBeforeHelp = null;
    });
    document.querySelectorAll("[data-keys-open]").forEach((button) => {
      button.hidden = false;
      button.addEventListener("click", openHelp);
    });
  }

  const actions = {
    j: () => (rows.length ? moveRow(1) : press("j")),
    k: () => (rows.length ? moveRow(-1) : press("k")),
    c: () => press("c"),
    d: openDecide,
    s: focusStatement,
    n: () => press("n"),
    "/": focusFilter,
    "?": openHelp,
  };

  const submitFrom = (element) => {
    const form = element && element.form;
    if (!form) return false;
    // The focused button is the one sent, as Enter on it would ("Decide and go to next").
    form.requestSubmit(element.type === "submit" ? element : undefined);
    return true;
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || (help && help.open)) return;
    const active = document.activeElement;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      if (submitFrom(active)) event.preventDefault();
      return;
    }
    if (isTypingIn(active)) {
      if (event.key === "Escape") {
        active.blur();
        event.preventDefault();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const act = /^[1-9]$/.test(event.key)
      ? () => pickAction(Number(event.key))
      : Object.hasOwn(actions, event.key) && actions[event.key];
    if (act && act()) event.preventDefault();
  });

  // Image evidence arrives blurred and grey (site.css). Revealing one is remembered for that file
  // alone, for this browser tab's session: the next file, and the next session, start blurred.
  const remembered = (id) => {
    try {
      return window.sessionStorage.getItem(REVEALED + id) === "1";
    } catch {
      return false; // storage refused (private mode, policy): every file starts blurred
    }
  };

  const remember = (id, revealed) => {
    try {
      if (revealed) window.sessionStorage.setItem(REVEALED + id, "1");
      else window.sessionStorage.removeItem(REVEALED + id);
    } catch {
      // Not remembered: the file is blurred again on the next page, which is the safe side.
    }
  };

  document.querySelectorAll("[data-evidence-id]").forEach((figure) => {
    const id = figure.dataset.evidenceId;
    const button = figure.querySelector("[data-evidence-reveal]");
    if (!button) return;
    const show = (revealed) => {
      figure.classList.toggle("revealed", revealed);
      button.textContent = revealed ? button.dataset.blurLabel : button.dataset.revealLabel;
    };
    show(remembered(id));
    button.hidden = false;
    button.addEventListener("click", () => {
      const revealed = !figure.classList.contains("revealed");
      remember(id, revealed);
      show(revealed);
    });
  });
})();
