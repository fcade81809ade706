// Name the admin's autocomplete boxes (Select2) after their field's label, for screen readers:
// Select2 draws its search box, and the box of a field with nothing chosen yet, unnamed, and
// again for each inline row added later.
"use strict";
(function () {
    function fieldName(select) {
        const label = select && select.id && document.querySelector(`label[for="${select.id}"]`);
        return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
    }
    function labelFor(input) {
        const container = input.closest(".select2-container");
        let select = container && container.previousElementSibling;
        if (!select || select.tagName !== "SELECT") {
            select = document.querySelector(".select2-container--open")?.previousElementSibling;
        }
        const name = fieldName(select);
        return name ? `搜索${name}` : "搜索";
    }
    function nameSearchBoxes(root) {
        for (const input of root.querySelectorAll("input.select2-search__field:not([aria-label])")) {
            input.setAttribute("aria-label", labelFor(input));
        }
        for (const box of root.querySelectorAll(".select2-selection[role=combobox]:not([aria-label])")) {
            const name = fieldName(box.closest(".select2-container")?.previousElementSibling);
            if (name) {
                box.setAttribute("aria-label", name);
                box.querySelector("[role=textbox]")?.setAttribute("aria-label", name);
            }
        }
    }
    document.addEventListener("DOMContentLoaded", () => {
        nameSearchBoxes(document);
        new MutationObserver(() => nameSearchBoxes(document)).observe(document.body, {childList: true, subtree: true});
    });
})();
