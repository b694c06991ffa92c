//! The tagged PDF's structure tree (ISO 32000-1 14.7–14.8), built from the marked content
//! [`super::draw`] wrote: one element per [`Unit`] (a heading, a paragraph, a note with its
//! label…), its kids the marked-content references of every page it runs over, under one
//! `/Document` element; the parent tree maps each page's MCIDs back to their elements.
//!
//! Elements come in the order their first line is drawn, page by page: the text of a page,
//! then its notes (the printed page's reading order).
use super::{fail, structure_type, Marked};
use crate::error::Result;
use crate::layout::frame::{Tag, Unit};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// Write the structure tree for `marked` and mark the catalog as tagged; each page gets its
/// `/StructParents` key (its index).
pub fn write(doc: &mut Document, page_ids: &[ObjectId], marked: &Marked) -> Result<()> {
    let root = doc.new_object_id();
    let top = doc.new_object_id();
    // Elements in order of first appearance: (unit, id, parent, kids).
    let mut elements: Vec<(Unit, ObjectId, ObjectId, Vec<Object>)> = Vec::new();
    let mut index: HashMap<Unit, usize> = HashMap::new();
    let mut parent_tree = Vec::new();
    for (pi, units) in marked.iter().enumerate() {
        let page = Object::Reference(page_ids[pi]);
        let mut owners = Vec::with_capacity(units.len());
        for (mcid, unit) in units.iter().enumerate() {
            let at = element(doc, *unit, top, &mut elements, &mut index);
            elements[at]
                .3
                .push(Object::Dictionary(Dictionary::from_iter(vec![
                    ("Type", Object::Name(b"MCR".to_vec())),
                    ("Pg", page.clone()),
                    ("MCID", Object::Integer(mcid as i64)),
                ])));
            owners.push(Object::Reference(elements[at].1));
        }
        parent_tree.push(Object::Integer(pi as i64));
        parent_tree.push(Object::Array(owners));
        doc.get_dictionary_mut(page_ids[pi])
            .map_err(fail)?
            .set("StructParents", Object::Integer(pi as i64));
    }
    let mut top_kids = Vec::new();
    for (unit, id, parent, kids) in elements {
        if parent == top {
            top_kids.push(Object::Reference(id));
        }
        // The page of its first marked content.
        let page = kids.iter().find_map(|k| match k {
            Object::Dictionary(mcr) => mcr.get(b"Pg").ok().cloned(),
            _ => None,
        });
        let mut d = Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            (
                "S",
                Object::Name(structure_type(unit.tag).as_bytes().to_vec()),
            ),
            ("P", Object::Reference(parent)),
            ("K", Object::Array(kids)),
        ]);
        if let Some(page) = page {
            d.set("Pg", page);
        }
        doc.set_object(id, d);
    }
    doc.set_object(
        top,
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Document".to_vec())),
            ("P", Object::Reference(root)),
            ("K", Object::Array(top_kids)),
        ]),
    );
    doc.set_object(
        root,
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"StructTreeRoot".to_vec())),
            ("K", Object::Reference(top)),
            (
                "ParentTree",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    "Nums",
                    Object::Array(parent_tree),
                )])),
            ),
            ("ParentTreeNextKey", Object::Integer(marked.len() as i64)),
            (
                "RoleMap",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    "Title",
                    Object::Name(b"H1".to_vec()),
                )])),
            ),
        ]),
    );
    let catalog = doc.catalog_mut().map_err(fail)?;
    catalog.set("StructTreeRoot", Object::Reference(root));
    catalog.set(
        "MarkInfo",
        Object::Dictionary(Dictionary::from_iter(vec![(
            "Marked",
            Object::Boolean(true),
        )])),
    );
    Ok(())
}

/// The index in `elements` of `unit`'s element, created on first use. A note label's element
/// is a kid of its note's (created first when needed); every other element is under `top`.
fn element(
    doc: &mut Document,
    unit: Unit,
    top: ObjectId,
    elements: &mut Vec<(Unit, ObjectId, ObjectId, Vec<Object>)>,
    index: &mut HashMap<Unit, usize>,
) -> usize {
    if let Some(&at) = index.get(&unit) {
        return at;
    }
    let parent = (unit.tag == Tag::NoteLabel).then(|| {
        let note = Unit {
            tag: Tag::Note,
            ..unit
        };
        element(doc, note, top, elements, index)
    });
    let id = doc.new_object_id();
    let parent_id = match parent {
        Some(p) => {
            elements[p].3.push(Object::Reference(id));
            elements[p].1
        }
        None => top,
    };
    elements.push((unit, id, parent_id, Vec::new()));
    index.insert(unit, elements.len() - 1);
    elements.len() - 1
}
