// Warn before leaving an admin form whose fields were changed and not saved.
"use strict";
(function () {
    let changed = false;
    function watch(form) {
        form.addEventListener("input", () => { changed = true; });
        form.addEventListener("change", () => { changed = true; });
        form.addEventListener("submit", () => { changed = false; });
    }
    document.addEventListener("DOMContentLoaded", () => {
        const form = document.querySelector("#content-main form[id$='_form']");
        if (!form) {
            return;
        }
        watch(form);
        window.addEventListener("beforeunload", (event) => {
            if (changed) {
                event.preventDefault();
                event.returnValue = "";
            }
        });
    });
})();
