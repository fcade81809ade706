// Give each cell of a tabular inline its column's name (data-label), so that on a phone,
// where admin.css stacks a row's cells, every field is shown with its name.
"use strict";
(function () {
    function labelCells() {
        for (const table of document.querySelectorAll(".inline-group .tabular table")) {
            const names = {};
            for (const head of table.querySelectorAll("thead th[class*='column-']")) {
                const column = [...head.classList].find((name) => name.startsWith("column-"));
                names[column.slice("column-".length)] = head.firstChild.textContent.trim();
            }
            for (const cell of table.querySelectorAll("tbody td[class*='field-']")) {
                const field = [...cell.classList].find((name) => name.startsWith("field-"));
                const name = names[field.slice("field-".length)];
                if (name) {
                    cell.dataset.label = name;
                }
            }
        }
    }
    document.addEventListener("DOMContentLoaded", labelCells);
    document.addEventListener("formset:added", labelCells);
})();
