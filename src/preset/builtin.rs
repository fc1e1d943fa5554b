//! The preset library shipped inside the binary.

/// Every built-in preset: its id (the file name without `.toml`) and text.
pub const BUILTIN: [(&str, &str); 18] = [
    (
        "b01-quadratic",
        include_str!("../../presets/b01-quadratic.toml"),
    ),
    (
        "b02-synthetic-1d",
        include_str!("../../presets/b02-synthetic-1d.toml"),
    ),
    (
        "b03-synthetic-1d-nonconvex",
        include_str!("../../presets/b03-synthetic-1d-nonconvex.toml"),
    ),
    (
        "b04-vpbgd-toy",
        include_str!("../../presets/b04-vpbgd-toy.toml"),
    ),
    ("b05-sin", include_str!("../../presets/b05-sin.toml")),
    (
        "b06-mitsos-barton-3-10",
        include_str!("../../presets/b06-mitsos-barton-3-10.toml"),
    ),
    (
        "b07-mitsos-barton-3-12",
        include_str!("../../presets/b07-mitsos-barton-3-12.toml"),
    ),
    (
        "b08-mitsos-barton-3-17",
        include_str!("../../presets/b08-mitsos-barton-3-17.toml"),
    ),
    (
        "b09-mitsos-barton-3-19",
        include_str!("../../presets/b09-mitsos-barton-3-19.toml"),
    ),
    (
        "b10-mitsos-barton-3-21",
        include_str!("../../presets/b10-mitsos-barton-3-21.toml"),
    ),
    (
        "b11-mitsos-barton-3-24",
        include_str!("../../presets/b11-mitsos-barton-3-24.toml"),
    ),
    (
        "b12-mirrlees",
        include_str!("../../presets/b12-mirrlees.toml"),
    ),
    (
        "b13-pl-nonconvex",
        include_str!("../../presets/b13-pl-nonconvex.toml"),
    ),
    (
        "b14-bome-ll-not-singleton",
        include_str!("../../presets/b14-bome-ll-not-singleton.toml"),
    ),
    (
        "b15-bome-adversarial",
        include_str!("../../presets/b15-bome-adversarial.toml"),
    ),
    (
        "b16-bome-coreset",
        include_str!("../../presets/b16-bome-coreset.toml"),
    ),
    (
        "synthetic20-convex",
        include_str!("../../presets/synthetic20-convex.toml"),
    ),
    (
        "synthetic20-nonconvex",
        include_str!("../../presets/synthetic20-nonconvex.toml"),
    ),
];

/// The id of the preset the app opens by default: one where the
/// perturbation is plain to see and the run converges.
pub const DEFAULT_PRESET: &str = "b08-mitsos-barton-3-17";

/// Built-in presets on real data (the hyper-cleaning family), kept apart
/// from [`BUILTIN`] because the checks every landscape preset meets (a
/// view, a reference, derivatives by central differences over all
/// coordinates) do not apply to them.
pub const DATA_BUILTIN: [(&str, &str); 2] = [
    ("dhc-digits", include_str!("../../presets/dhc-digits.toml")),
    // Loads only where BILEVEL_LAB_MNIST names the user's copy of MNIST.
    ("dhc-mnist", include_str!("../../presets/dhc-mnist.toml")),
];

/// A built-in preset's `name`, read without preparing its problem (the
/// preset menu lists them every frame it is open).
pub fn builtin_title(id: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(builtin_text(id)?).ok()?;
    table.get("name")?.as_str().map(str::to_string)
}

/// The text of a built-in preset by id.
pub fn builtin_text(id: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .chain(&DATA_BUILTIN)
        .find(|(name, _)| *name == id)
        .map(|(_, text)| *text)
}
