// The vidgate playground: one ES module, no dependencies, talks to this server only.
//
// Flow: load the catalogue (GET /v2/video/models), build a form for the chosen model,
// POST /v2/video/generations, follow the job (server-sent events read through fetch, so
// the Authorization header can be sent; long-polls with `Prefer: wait=10` if the stream is
// unavailable or ends early), then play the signed video URL.

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "vidgate.playground.apiKey";
const TERMINAL = new Set(["completed", "error"]);
const KINDS = { t2v: "text → video", i2v: "image → video" };
const models = new Map();
const history = new Map();

// ---- HTTP -------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.field = body?.error?.field ?? null;
  }
}

function authHeaders() {
  return { Authorization: `Bearer ${$("api-key").value.trim()}` };
}

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, headers: { ...authHeaders(), ...headers } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, payload);
  return payload;
}

function generationPath(id, events = false) {
  const route = events ? "/v2/video/generations/events" : "/v2/video/generations";
  return `${route}?generation_id=${encodeURIComponent(id)}`;
}

async function follow(id, show) {
  let job = await streamEvents(id, show).catch(() => null);
  while (!job || !TERMINAL.has(job.status)) {
    job = await api(generationPath(id), { headers: { Prefer: "wait=10" } });
    show(job);
  }
  return job;
}

async function streamEvents(id, show) {
  const response = await fetch(generationPath(id, true), { headers: authHeaders() });
  if (!response.ok || !response.body) return null;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let job = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return job;
    const blocks = (buffer + value).split("\n\n");
    buffer = blocks.pop();
    for (const block of blocks) {
      const data = block.split("\n").filter((line) => line.startsWith("data:"));
      if (data.length === 0) continue;
      job = JSON.parse(data.map((line) => line.slice(5)).join("\n"));
      show(job);
    }
  }
}

// ---- The catalogue and the generated form ----------------------------------------------

async function loadModels() {
  const response = await fetch("/v2/video/models");
  if (!response.ok) throw new Error(`could not load the models (HTTP ${response.status})`);
  const select = $("model");
  select.replaceChildren();
  for (const [developer, group] of groupBy((await response.json()).data, "developer")) {
    const optgroup = el("optgroup", { label: developer });
    for (const model of group) {
      models.set(model.id, model);
      const kinds = model.kind.map((k) => KINDS[k] ?? k).join(", ");
      optgroup.append(el("option", { value: model.id }, `${model.id} (${kinds})`));
    }
    select.append(optgroup);
  }
  select.disabled = false;
  chooseModel();
}

function groupBy(items, key) {
  const groups = new Map();
  for (const item of items) groups.set(item[key], [...(groups.get(item[key]) ?? []), item]);
  return groups;
}

function currentModel() {
  return models.get($("model").value);
}

function imageField(model) {
  const entry = Object.entries(model.parameters).find(([, p]) => p.image_role === "first_frame");
  return entry ? entry[0] : null;
}

function isFormParam(name, p) {
  const scalar = ["string", "integer", "number", "boolean"].includes(p.type);
  return name !== "prompt" && scalar && !p.image_role && !p.deprecated && !p.alias_of;
}

function chooseModel() {
  const model = currentModel();
  $("prompt-required").hidden = !model.required.includes("prompt");
  showFacts(model);
  showImageInput(model);
  $("params").replaceChildren(
    ...Object.entries(model.parameters)
      .filter(([name, p]) => isFormParam(name, p))
      .map(([name, p]) => paramField(name, p)),
  );
}

function showFacts(model) {
  const { per_video: flat, per_second: perSecond, default_request: typical } = model.price;
  const price = [flat && `${flat} per video`, perSecond && `${perSecond} per second`];
  const output = model.output;
  $("model-facts").replaceChildren(
    ...fact("Kind", model.kind.map((k) => KINDS[k] ?? k).join(", ")),
    ...fact("Price", `${typical} credits by default (${price.filter(Boolean).join(" + ")});`
      + " free with a sandbox key"),
    ...fact("Output", `${Object.values(output.sizes).join(", ")} at ${output.fps} fps, `
      + `${output.durations.join(" / ")} s${output.follows_input_image ? ", follows the image" : ""}`),
  );
}

function fact(term, description) {
  return [el("dt", {}, term), el("dd", {}, description)];
}

function showImageInput(model) {
  const field = imageField(model);
  $("image-group").hidden = field === null;
  $("image-field").textContent = field ? `(${field})` : "";
  $("image-required").hidden = !model.required.includes(field);
  $("image-note").textContent = field ? model.parameters[field].note ?? "" : "";
}

function paramField(name, p) {
  const id = `param-${name}`;
  const hint = el("span", { id: `${id}-hint`, class: "hint" }, p.accepts);
  const control = paramControl(p);
  Object.assign(control, { id, name });
  control.dataset.param = name;
  control.setAttribute("aria-describedby", hint.id);
  if (p.type === "boolean") {
    return el("div", { class: "field check" }, control, el("label", { for: id }, name), hint);
  }
  return el("div", { class: "field" }, el("label", { for: id }, name), control, hint);
}

function paramControl(p) {
  if (p.enum) {
    const unset = el("option", { value: "" }, p.default === undefined ? "(not set)" : `(default: ${p.default})`);
    const options = p.enum.map((v) => el("option", { value: JSON.stringify(v) }, String(v)));
    return el("select", {}, unset, ...options);
  }
  if (p.type === "boolean") {
    const box = el("input", { type: "checkbox" });
    box.checked = p.default === true;
    return box;
  }
  if (p.type === "integer" || p.type === "number") {
    const input = el("input", { type: "number", step: p.type === "integer" ? "1" : "any" });
    for (const bound of ["minimum", "maximum"]) {
      if (p[bound] !== undefined) input.setAttribute(bound.slice(0, 3), p[bound]);
    }
    if (p.default !== undefined) input.placeholder = `default ${p.default}`;
    return input;
  }
  return el("input", { type: "text" });
}

function readParams(model) {
  const params = {};
  for (const control of $("params").querySelectorAll("[data-param]")) {
    const p = model.parameters[control.dataset.param];
    const value = controlValue(control, p);
    if (value !== undefined) params[control.dataset.param] = value;
  }
  return params;
}

function controlValue(control, p) {
  if (control.type === "checkbox") {
    return control.checked === (p.default === true) ? undefined : control.checked;
  }
  if (control.value === "") return undefined;
  if (control.tagName === "SELECT") return JSON.parse(control.value);
  return control.type === "number" ? Number(control.value) : control.value;
}

function readAsDataUri(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
}

async function requestBody(model) {
  const body = { model: model.id, ...readParams(model) };
  const prompt = $("prompt").value.trim();
  if (prompt) body.prompt = prompt;
  const field = imageField(model);
  const file = $("image").files[0];
  if (field && file) body[field] = await readAsDataUri(file);
  return body;
}

// ---- Submitting and showing the job ------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  const model = currentModel();
  clearError();
  setBusy(true);
  try {
    const created = await api("/v2/video/generations", { method: "POST", body: await requestBody(model) });
    resetResult();
    const show = (job) => showJob(job, model.id);
    show(created);
    const job = await follow(created.id, show);
    if (job.status === "completed") play(job);
    else showError(`${job.error?.name ?? "error"}: ${job.error?.message ?? "the generation failed"}`);
  } catch (error) {
    showError(error.message, error.field);
  } finally {
    setBusy(false);
  }
}

function showJob(job, modelId) {
  const progress = job.status === "completed" ? 100 : job.progress ?? 0;
  const detail = job.status === "generating" ? ` (${progress}%)` : "";
  $("status").replaceChildren(el("code", {}, job.id), ": ", el("strong", {}, job.status), detail);
  Object.assign($("progress"), { value: progress, hidden: false });
  remember({ ...history.get(job.id), id: job.id, model: job.model ?? modelId, status: job.status, video: job.video });
}

function play(job) {
  const video = $("video");
  video.src = job.video.url;
  video.hidden = false;
  Object.assign($("download"), { href: job.video.url, download: `${job.id}.mp4`, hidden: false });
}

function resetResult() {
  const video = $("video");
  video.removeAttribute("src");
  video.hidden = true;
  $("download").hidden = true;
}

function remember(entry) {
  history.set(entry.id, entry);
  const items = [...history.values()].reverse().map(historyItem);
  $("history").replaceChildren(...items);
}

function historyItem(entry) {
  const item = el("li", {}, el("code", {}, entry.id), ` ${entry.model}: `, el("strong", {}, entry.status));
  if (entry.status === "completed" && entry.video) {
    const button = el("button", { type: "button", class: "link" }, "show");
    button.addEventListener("click", () => play(entry));
    item.append(" ", button);
  }
  return item;
}

// ---- Errors, busy state, small DOM helper ------------------------------------------------

function showError(message, field = null) {
  Object.assign($("error"), { textContent: message, hidden: false });
  const control = field && fieldControl(field);
  if (control) {
    control.setAttribute("aria-invalid", "true");
    control.focus();
  }
}

function fieldControl(field) {
  if (field === "prompt") return $("prompt");
  if (field === imageField(currentModel())) return $("image");
  return $("params").querySelector(`[data-param="${CSS.escape(field)}"]`);
}

function clearError() {
  $("error").hidden = true;
  for (const control of document.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

function setBusy(busy) {
  $("submit").disabled = busy;
  $("result").setAttribute("aria-busy", String(busy));
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// ---- Wiring ----------------------------------------------------------------------------

function previewImage() {
  const preview = $("image-preview");
  if (preview.src) URL.revokeObjectURL(preview.src);
  const file = $("image").files[0];
  preview.hidden = !file;
  if (file) preview.src = URL.createObjectURL(file);
}

function start() {
  const key = $("api-key");
  key.value = localStorage.getItem(KEY_STORAGE) ?? "";
  key.addEventListener("input", () => localStorage.setItem(KEY_STORAGE, key.value.trim()));
  $("forget-key").addEventListener("click", () => {
    localStorage.removeItem(KEY_STORAGE);
    key.value = "";
    key.focus();
  });
  $("model").addEventListener("change", chooseModel);
  $("image").addEventListener("change", previewImage);
  $("generate").addEventListener("submit", submit);
  loadModels().catch((error) => showError(error.message));
}

start();
