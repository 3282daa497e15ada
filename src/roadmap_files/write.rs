//! Domain → TOML, in the same layout the hand-written `year1.toml` uses, so
//! that imported and hand-written years read alike.

use std::fmt::Write;

use crate::domain::roadmap::Year;

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Renders one roadmap year as TOML that [`super::parse_year`] reads back to
/// the same tree.
pub fn year_to_toml(year: &Year, header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        let _ = writeln!(out, "# {line}");
    }
    if !header.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "year = {}", year.number);
    let _ = writeln!(out, "title = {}", quoted(&year.title));
    if let Some(focus) = &year.focus {
        let _ = writeln!(out, "focus = {}", quoted(focus));
    }
    for q in &year.quarters {
        let _ = writeln!(
            out,
            "\n[[quarter]]\nnumber = {}\ntheme = {}",
            q.number,
            quoted(&q.theme)
        );
        if !q.goals.is_empty() {
            let goals: Vec<String> = q.goals.iter().map(|g| quoted(g)).collect();
            let _ = writeln!(out, "goals = [{}]", goals.join(", "));
        }
        for m in &q.months {
            let _ = writeln!(
                out,
                "\n[[quarter.month]]\nmonth = {}\ntitle = {}",
                m.number,
                quoted(&m.title)
            );
            if let Some(d) = &m.dogfood {
                let _ = writeln!(out, "dogfood = {}", quoted(d));
            }
            for b in &m.blocks {
                let _ = writeln!(
                    out,
                    "\n[[quarter.month.block]]\nweeks = \"{}\"\ntitle = {}",
                    b.weeks,
                    quoted(&b.title)
                );
                if let Some(d) = &b.dogfood {
                    let _ = writeln!(out, "dogfood = {}", quoted(d));
                }
                for t in &b.tasks {
                    let _ = writeln!(
                        out,
                        "\n[[quarter.month.block.task]]\ntitle = {}",
                        quoted(&t.title)
                    );
                    if let Some(d) = &t.deliverable {
                        let _ = writeln!(out, "deliverable = {}", quoted(d));
                    }
                    if let Some(mt) = &t.metric {
                        let _ = writeln!(out, "metric = {}", quoted(mt));
                    }
                    if let Some(a) = &t.accept {
                        let bound = |name: &str, v: Option<f64>| {
                            v.map(|v| format!(", {name} = {v:?}")).unwrap_or_default()
                        };
                        let _ = writeln!(
                            out,
                            "accept = {{ metric = {}{}{} }}",
                            quoted(&a.metric),
                            bound("min", a.min),
                            bound("max", a.max)
                        );
                    }
                }
            }
        }
    }
    out
}
