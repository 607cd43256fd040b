// A service's form, generated from its TSL inputData, and the checks that mirror the gateway's ThingModelValidator
// closely enough to catch a typo before a call; the gateway's own check stays the one that counts.
"use strict";

const ServiceForm = (() => {
  const element = (tag, props, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    children.forEach((child) => node.append(child));
    return node;
  };

  const specsOf = (param) => (param.dataType && param.dataType.specs) || {};
  const typeOf = (param) => ((param.dataType && param.dataType.type) || "").toLowerCase();
  const isNumber = (type) => type === "int" || type === "float" || type === "double";

  // what the field says under its name: type, range, step, unit
  function describe(param) {
    const type = typeOf(param);
    const specs = specsOf(param);
    const parts = [type || "unknown type"];
    if (isNumber(type)) {
      if (specs.min !== undefined || specs.max !== undefined) parts.push("[" + (specs.min ?? "…") + ", " + (specs.max ?? "…") + "]");
      if (specs.step !== undefined) parts.push("step " + specs.step);
      if (specs.unit) parts.push(specs.unit);
    } else if (type === "text" && specs.length) {
      parts.push("at most " + specs.length + " characters");
    } else if (type === "date") {
      parts.push("UTC milliseconds since 1970, as a string");
    } else if (type === "struct" || type === "array") {
      parts.push("JSON");
    }
    return parts.join(" ");
  }

  function input(param) {
    const type = typeOf(param);
    const specs = specsOf(param);
    const id = "arg-" + param.identifier;
    if (type === "enum" || type === "bool") {
      const select = element("select", { id });
      select.append(element("option", { value: "", textContent: "(not sent)" }));
      Object.keys(specs).forEach((key) => select.append(element("option", { value: key, textContent: key + " – " + specs[key] })));
      return select;
    }
    if (isNumber(type)) {
      const field = element("input", { id, type: "number" });
      if (specs.min !== undefined) field.min = specs.min;
      if (specs.max !== undefined) field.max = specs.max;
      field.step = type === "int" ? (specs.step || "1") : "any";
      return field;
    }
    if (type === "text" || type === "date") {
      const field = element("input", { id, type: "text", spellcheck: false });
      if (type === "text" && specs.length) field.maxLength = Number(specs.length);
      return field;
    }
    // struct, array and anything newer: raw JSON
    return element("textarea", { id, spellcheck: false, placeholder: type === "array" ? "[ … ]" : "{ … }" });
  }

  // the form's fields, one per input parameter
  function render(container, inputData) {
    container.replaceChildren();
    if (!inputData.length) {
      container.append(element("p", { className: "hint", textContent: "This service takes no input." }));
    }
    inputData.forEach((param) => {
      const label = element("label", { htmlFor: "arg-" + param.identifier },
        element("strong", { textContent: param.identifier }), " " + (param.name || "") + " ",
        element("span", { className: "type", textContent: describe(param) }));
      container.append(element("div", { className: "field", id: "field-" + param.identifier },
        label, input(param), element("div", { className: "problem", id: "problem-" + param.identifier })));
    });
  }

  // why the value cannot be sent, or null; value is the field's text, not empty
  function problem(param, text) {
    const type = typeOf(param);
    const specs = specsOf(param);
    if (isNumber(type)) {
      const number = Number(text);
      if (text.trim() === "" || !Number.isFinite(number)) return "not a number";
      if (type === "int" && !Number.isInteger(number)) return "not a whole number";
      if (specs.min !== undefined && number < Number(specs.min)) return "below the minimum " + specs.min;
      if (specs.max !== undefined && number > Number(specs.max)) return "above the maximum " + specs.max;
      return null;
    }
    if (type === "enum" || type === "bool") return Object.prototype.hasOwnProperty.call(specs, text) ? null : "not one of the values";
    if (type === "text") return specs.length && [...text].length > Number(specs.length) ? "longer than " + specs.length + " characters" : null;
    if (type === "date") return /^\d+$/.test(text) ? null : "not a number of milliseconds";
    try {
      JSON.parse(text);
      return null;
    } catch (e) {
      return "not JSON: " + e.message;
    }
  }

  // the JSON value the field's text stands for (the gateway's validator wants numbers as numbers)
  function value(param, text) {
    const type = typeOf(param);
    if (isNumber(type) || type === "enum" || type === "bool") {
      const number = Number(text);
      return text.trim() !== "" && Number.isFinite(number) ? number : text;
    }
    if (type === "text" || type === "date") return text;
    try {
      return JSON.parse(text);
    } catch (e) {
      return text; // unchecked: the gateway answers what is wrong with it
    }
  }

  // { args, problems }: the Args object of the filled-in fields (empty ones are not sent), and each refused field
  function read(inputData, check) {
    const args = {};
    const problems = [];
    inputData.forEach((param) => {
      const field = document.getElementById("field-" + param.identifier);
      const text = document.getElementById("arg-" + param.identifier).value;
      const why = check && text !== "" ? problem(param, text) : null;
      field.classList.toggle("refused", why !== null);
      document.getElementById("problem-" + param.identifier).textContent = why ? "Refused: " + why : "";
      if (why) problems.push(param.identifier + ": " + why);
      else if (text !== "") args[param.identifier] = value(param, text);
    });
    return { args, problems };
  }

  return { render, read, element };
})();
