// Repairs of AntDesign 1.6.2's accessibility defects that its components offer no parameter for (found by axe-core in
// the console's AccessibilityTests). Each repair is idempotent and runs again whenever the page's elements change.
(() => {
  'use strict';

  function repair() {
    // Icons here are decorative (beside text, or inside a control that has its own name), yet AntDesign marks every one
    // role="img" without a name: screen readers would read "image" before each menu entry and button.
    for (const icon of document.querySelectorAll('.anticon[role="img"]:not([aria-label])')) {
      icon.removeAttribute('role');
      icon.setAttribute('aria-hidden', 'true');
    }

    // Pagination's arrows: aria-disabled holds the literal text "prevDisabled"/"nextDisabled", and the arrow buttons
    // have no name (the title sits on their list item).
    for (const item of document.querySelectorAll('.ant-pagination-prev, .ant-pagination-next')) {
      const disabled = item.classList.contains('ant-pagination-disabled') ? 'true' : 'false';
      if (item.getAttribute('aria-disabled') !== disabled) {
        item.setAttribute('aria-disabled', disabled);
      }

      const button = item.querySelector('button');
      if (button && !button.hasAttribute('aria-label') && item.title) {
        button.setAttribute('aria-label', item.title);
      }
    }

    // Select's combobox: aria-expanded is required, but a closed list renders none (a false attribute is left out).
    for (const combobox of document.querySelectorAll('.ant-select [role="combobox"]')) {
      const expanded = combobox.closest('.ant-select').classList.contains('ant-select-open') ? 'true' : 'false';
      if (combobox.getAttribute('aria-expanded') !== expanded) {
        combobox.setAttribute('aria-expanded', expanded);
      }
    }
  }

  // Blazor renders and re-renders after load: watch added elements and class changes (a Select opening, a page turned).
  // The observer's callback already runs once per batch of changes; the repairs change only aria attributes and role,
  // which it does not watch.
  new MutationObserver(repair).observe(document.documentElement,
    { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  repair();
})();
