/* global window, document, fetch, setTimeout, URL */
// Calls the multi-region API every few seconds and lists which region answered, newest first. Settings come from
// settings.js, which the deployment writes from the API's domain name.
(function () {
    "use strict";
    const settings = window.multiRegionApiSettings;
    const status = document.getElementById("status");
    if (!settings || typeof settings.endpoint !== "string" || !(settings.pollSeconds > 0)) {
        status.textContent = "settings.js is missing or malformed: expected window.multiRegionApiSettings = { endpoint, pollSeconds }";
        return;
    }
    const url = new URL("v1/helloworld", settings.endpoint).toString();
    const maxEntries = 200;
    const history = [];
    const list = document.getElementById("history");

    function render() {
        list.replaceChildren(
            ...history.map(function (entry) {
                const item = document.createElement("li");
                item.className = entry.ok ? "ok" : "error";
                item.textContent = entry.time + "  " + entry.text;
                return item;
            }),
        );
    }

    function record(ok, text) {
        history.unshift({ ok: ok, text: text, time: new Date().toISOString() });
        if (history.length > maxEntries) history.length = maxEntries;
        render();
    }

    async function call() {
        try {
            const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
            if (!response.ok) throw new Error("HTTP " + response.status);
            const data = await response.json();
            if (!data || typeof data.message !== "string") throw new Error("unexpected answer " + JSON.stringify(data));
            record(true, data.message);
        } catch (err) {
            record(false, "ERROR: " + (err && err.message ? err.message : String(err)));
        } finally {
            // The next call is scheduled when this one is complete, so a slow region never stacks up requests.
            setTimeout(call, settings.pollSeconds * 1000);
        }
    }

    status.textContent = "Calling " + url + " every " + settings.pollSeconds + " s";
    call();
})();
