// Keyboard shortcuts for the moderators' workbench (/moderation/).
// Progressive enhancement: every action is a plain form that works without
// this script; the keys only move focus and press those forms' buttons.
(function () {
  "use strict";

  var list = document.querySelector("[data-workbench]");
  var help = document.getElementById("workbench-keys");
  if (!list && !help) {
    return;
  }

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  }

  function currentItem() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".queue-item") : null;
  }

  function focusItem(item) {
    if (!item) {
      return;
    }
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = items();
    if (!all.length) {
      return;
    }
    var index = all.indexOf(currentItem());
    if (index === -1) {
      index = step > 0 ? 0 : all.length - 1;
    } else {
      index = Math.max(0, Math.min(all.length - 1, index + step));
    }
    focusItem(all[index]);
  }

  // After the page reloads, land on the item that followed the one decided.
  function rememberNext(form, item) {
    var all = items();
    var index = all.indexOf(item);
    var following = all[index + 1] || all[index - 1];
    var field = form.querySelector('input[name="next"]');
    if (field && following) {
      field.value = field.value.split("#")[0] + "#" + following.id;
    }
  }

  function press(item, action) {
    var button = item && item.querySelector('[data-key-action="' + action + '"]');
    if (!button || !button.form) {
      return;
    }
    rememberNext(button.form, item);
    if (button.form.requestSubmit) {
      button.form.requestSubmit(button);
    } else {
      button.click();
    }
  }

  function helpIsOpen() {
    return Boolean(help && help.open);
  }

  function toggleHelp() {
    if (!help) {
      return;
    }
    if (help.open) {
      help.close();
    } else if (help.showModal) {
      help.showModal();
    } else {
      help.setAttribute("open", "");
    }
  }

  function isTyping(target) {
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(
      target.closest("input, select, textarea, [contenteditable]:not([contenteditable='false'])")
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    if (event.key === "Escape" && helpIsOpen()) {
      event.preventDefault();
      help.close();
      return;
    }
    if (isTyping(event.target)) {
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      toggleHelp();
      return;
    }
    if (helpIsOpen()) {
      return;
    }
    var item = currentItem();
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "a":
        press(item, "approve");
        break;
      case "s":
        press(item, "spam");
        break;
      case "r": {
        var select = item && item.querySelector('[data-key-target="reject"]');
        if (!select) {
          return;
        }
        select.focus();
        break;
      }
      case "x": {
        var box = item && item.querySelector('input[type="checkbox"][name="ids"]');
        if (!box) {
          return;
        }
        box.checked = !box.checked;
        box.dispatchEvent(new Event("change", { bubbles: true }));
        break;
      }
      default:
        return;
    }
    event.preventDefault();
  });

  // r, then the arrow keys to pick a reason, then Enter rejects.
  document.addEventListener("keydown", function (event) {
    var select = event.target;
    if (event.key !== "Enter" || !select.matches || !select.matches('[data-key-target="reject"]')) {
      return;
    }
    event.preventDefault();
    if (!select.value) {
      select.reportValidity();
      return;
    }
    var item = select.closest(".queue-item");
    rememberNext(select.form, item);
    select.form.requestSubmit();
  });

  var opener = document.querySelector("[data-workbench-help]");
  if (opener && help) {
    opener.hidden = false;
    opener.addEventListener("click", toggleHelp);
  }
  var closer = document.querySelector("[data-workbench-close]");
  if (closer && help) {
    closer.addEventListener("click", function () {
      help.close();
    });
  }

  if (window.location.hash.indexOf("#queue-") === 0) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target && target.classList.contains("queue-item")) {
      focusItem(target);
    }
  }
})();
