//! Reads named fields of any serialisable struct as JSON, without serialising the rest.
//!
//! The page shows report sections (`profiles`, `domains`, `documents`) and item
//! facts (`document`) that other parts of leakprov add over time. Reading them
//! through `Serialize` keeps the page independent of their Rust types, and only
//! the wanted fields are ever turned into JSON: asking a 100,000-item report for
//! `profiles` does not serialise its items.

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeStruct};
use serde_json::{Map, Value};

/// The fields of `value` named in `wanted` that it serialises, as JSON.
///
/// A value that is not a struct (or fails to serialise) yields an empty map.
pub fn pick<T: Serialize + ?Sized>(value: &T, wanted: &[&str]) -> Map<String, Value> {
    value.serialize(Picker { wanted }).unwrap_or_default()
}

struct Picker<'w> {
    wanted: &'w [&'w str],
}

struct Fields<'w> {
    wanted: &'w [&'w str],
    out: Map<String, Value>,
}

#[derive(Debug)]
struct NotAStruct;

impl std::fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        NotAStruct
    }
}

type Out = Map<String, Value>;
type Never = Impossible<Out, NotAStruct>;

impl SerializeStruct for Fields<'_> {
    type Ok = Out;
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), NotAStruct> {
        if self.wanted.contains(&key) {
            // A field that fails to serialise is left out rather than losing the others.
            if let Ok(v) = serde_json::to_value(value) {
                self.out.insert(key.to_string(), v);
            }
        }
        Ok(())
    }

    fn end(self) -> Result<Out, NotAStruct> {
        Ok(self.out)
    }
}

macro_rules! not_a_struct {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $arg),*) -> Result<Out, NotAStruct> { Err(NotAStruct) })*
    };
}

impl<'w> ser::Serializer for Picker<'w> {
    type Ok = Out;
    type Error = NotAStruct;
    type SerializeSeq = Never;
    type SerializeTuple = Never;
    type SerializeTupleStruct = Never;
    type SerializeTupleVariant = Never;
    type SerializeMap = Never;
    type SerializeStruct = Fields<'w>;
    type SerializeStructVariant = Never;

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Fields<'w>, NotAStruct> {
        Ok(Fields {
            wanted: self.wanted,
            out: Map::new(),
        })
    }

    not_a_struct! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Out, NotAStruct> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Out, NotAStruct> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Out, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Never, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Big {
        small: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<String>,
        nested: Vec<&'static str>,
        #[serde(serialize_with = "explode")]
        huge: (),
    }

    fn explode<S: serde::Serializer>(_: &(), _: S) -> Result<S::Ok, S::Error> {
        panic!("an unwanted field was serialised")
    }

    #[test]
    fn picks_only_wanted_fields_and_never_serialises_the_others() {
        let big = Big {
            small: 3,
            absent: None,
            nested: vec!["a"],
            huge: (),
        };
        let got = pick(&big, &["nested", "absent", "missing"]);
        assert_eq!(Value::Object(got), serde_json::json!({"nested": ["a"]}));
    }

    #[test]
    fn non_structs_give_nothing() {
        assert!(pick(&vec![1, 2], &["x"]).is_empty());
        assert!(pick(&Some(3), &["x"]).is_empty());
    }
}
