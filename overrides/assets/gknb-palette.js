/* The light/dark toggle of Material 9.8 partials/header.html, drawn here from the palette of mkdocs.yml,
   where this script sits in the header, before Material's bundle looks for [data-md-component=palette].
   The build writes the palette into the line below (publish/theme_files.palette_script: media|scheme|
   primary|accent|name per option, options parted by ";"): once in this file, not in every page. */
var gknbPalette = "";
(function () {
  var script = document.currentScript;
  if (!gknbPalette) return;
  var options = gknbPalette.split(";").map(function (option) { return option.split("|"); });
  var form = document.createElement("form");
  form.className = "md-header__option";
  form.setAttribute("data-md-component", "palette");
  options.forEach(function (option, index) {
    var input = document.createElement("input"), label = document.createElement("label");
    ["media", "scheme", "primary", "accent"].forEach(function (key, at) { input.setAttribute("data-md-color-" + key, option[at]); });
    input.className = "md-option";
    input.setAttribute("aria-label", option[4]);
    input.type = "radio";
    input.name = "__palette";
    input.id = "__palette_" + index;
    label.className = "md-header__button md-icon gknb-i gknb-i-" + option[1];
    label.title = option[4];
    label.htmlFor = "__palette_" + (index + 1) % options.length;
    label.hidden = true;
    form.append(input, label);
  });
  script.before(form);
})();
/* Material 9.8 partials/javascripts/palette.html: the stored light/dark choice, applied before the page is drawn. */
var palette=__md_get("__palette");if(palette&&palette.color){if("(prefers-color-scheme)"===palette.color.media){var media=matchMedia("(prefers-color-scheme: light)"),input=document.querySelector(media.matches?"[data-md-color-media='(prefers-color-scheme: light)']":"[data-md-color-media='(prefers-color-scheme: dark)']");palette.color.media=input.getAttribute("data-md-color-media"),palette.color.scheme=input.getAttribute("data-md-color-scheme"),palette.color.primary=input.getAttribute("data-md-color-primary"),palette.color.accent=input.getAttribute("data-md-color-accent")}for(var[key,value]of Object.entries(palette.color))document.body.setAttribute("data-md-color-"+key,value)}
