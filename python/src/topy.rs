//! Results to Python objects through serde, as `serde_json` would write
//! them (so a dict equals the CLI's JSON parsed), with the strings that
//! recur in every result made once: map keys and struct field names, and
//! the short vocabulary values (script codes, restriction levels, error
//! and warning codes) are cached Python strings. A per-name call builds
//! some 45 objects; making the 25 or so recurring ones once halves the
//! time spent in the interpreter.

use std::cell::RefCell;

use rustc_hash::FxHashMap;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyNone, PyString};
use serde::Serialize;
use serde::ser::{self, Impossible};

/// Most strings kept (keys are a few dozen, the vocabulary a few hundred).
const MAX_CACHED: usize = 4096;
/// Longest string cached.
const MAX_CACHED_LEN: usize = 40;

thread_local! {
    static CACHE: RefCell<FxHashMap<Box<str>, Py<PyString>>> = RefCell::new(FxHashMap::default());
}

/// A cached Python string: always for keys, for values only when the
/// value is already known (a key, or one of the vocabulary of
/// [`remember`]).
pub(crate) fn cached<'py>(py: Python<'py>, s: &str, add: bool) -> Bound<'py, PyString> {
    if s.len() > MAX_CACHED_LEN {
        return PyString::new(py, s);
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(p) = c.get(s) {
            return p.bind(py).clone();
        }
        if !add || c.len() >= MAX_CACHED {
            return PyString::new(py, s);
        }
        let p = PyString::intern(py, s);
        c.insert(s.into(), p.clone().unbind());
        p
    })
}

/// Adds values that recur in results to the cache.
pub(crate) fn remember(py: Python<'_>, values: impl IntoIterator<Item = &'static str>) {
    for v in values {
        cached(py, v, true);
    }
}

/// `value` as Python objects.
pub(crate) fn to_py<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    Ok(value.serialize(Ser { py })?.unbind())
}

#[derive(Debug)]
pub(crate) struct SerError(PyErr);

impl std::fmt::Display for SerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::error::Error for SerError {}

impl ser::Error for SerError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerError(crate::error("INTERNAL", format!("cannot convert a result: {msg}")))
    }
}

impl From<SerError> for PyErr {
    fn from(e: SerError) -> PyErr {
        e.0
    }
}

impl From<PyErr> for SerError {
    fn from(e: PyErr) -> SerError {
        SerError(e)
    }
}

#[derive(Clone, Copy)]
struct Ser<'py> {
    py: Python<'py>,
}

type R<'py> = Result<Bound<'py, PyAny>, SerError>;

impl<'py> ser::Serializer for Ser<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Seq<'py>;
    type SerializeTuple = Seq<'py>;
    type SerializeTupleStruct = Seq<'py>;
    type SerializeTupleVariant = Impossible<Self::Ok, SerError>;
    type SerializeMap = Map<'py>;
    type SerializeStruct = Map<'py>;
    type SerializeStructVariant = Impossible<Self::Ok, SerError>;

    fn serialize_bool(self, v: bool) -> R<'py> {
        Ok(PyBool::new(self.py, v).to_owned().into_any())
    }
    fn serialize_i8(self, v: i8) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> R<'py> {
        self.serialize_i64(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> R<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_u8(self, v: u8) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u16(self, v: u16) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u32(self, v: u32) -> R<'py> {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_u64(self, v: u64) -> R<'py> {
        Ok(PyInt::new(self.py, v).into_any())
    }
    fn serialize_f32(self, v: f32) -> R<'py> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R<'py> {
        Ok(PyFloat::new(self.py, v).into_any())
    }
    fn serialize_char(self, v: char) -> R<'py> {
        self.serialize_str(v.encode_utf8(&mut [0u8; 4]))
    }
    fn serialize_str(self, v: &str) -> R<'py> {
        Ok(cached(self.py, v, false).into_any())
    }
    fn serialize_bytes(self, v: &[u8]) -> R<'py> {
        let items: Vec<u8> = v.to_vec();
        Ok(PyList::new(self.py, items)?.into_any())
    }
    fn serialize_none(self) -> R<'py> {
        Ok(PyNone::get(self.py).to_owned().into_any())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R<'py> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<'py> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R<'py> {
        Ok(cached(self.py, variant, true).into_any())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R<'py> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> R<'py> {
        let d = PyDict::new(self.py);
        d.set_item(cached(self.py, variant, true), v.serialize(self)?)?;
        Ok(d.into_any())
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'py>, SerError> {
        Ok(Seq { ser: self, items: Vec::with_capacity(len.unwrap_or(0)) })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'py>, SerError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(ser::Error::custom(format!("tuple variants of {name} are not converted")))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'py>, SerError> {
        Ok(Map { ser: self, dict: PyDict::new(self.py), key: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Map<'py>, SerError> {
        self.serialize_map(None)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(ser::Error::custom(format!("struct variants of {name} are not converted")))
    }
}

struct Seq<'py> {
    ser: Ser<'py>,
    items: Vec<Bound<'py, PyAny>>,
}

impl<'py> ser::SerializeSeq for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        self.items.push(v.serialize(self.ser)?);
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(PyList::new(self.ser.py, self.items)?.into_any())
    }
}

impl<'py> ser::SerializeTuple for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R<'py> {
        ser::SerializeSeq::end(self)
    }
}

impl<'py> ser::SerializeTupleStruct for Seq<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> R<'py> {
        ser::SerializeSeq::end(self)
    }
}

struct Map<'py> {
    ser: Ser<'py>,
    dict: Bound<'py, PyDict>,
    key: Option<Bound<'py, PyAny>>,
}

/// Map keys: strings (cached), as JSON object keys are; other keys are
/// written as serde_json writes them (numbers become strings).
struct KeySer<'py> {
    py: Python<'py>,
}

impl<'py> KeySer<'py> {
    fn text(self, s: &str) -> R<'py> {
        Ok(cached(self.py, s, true).into_any())
    }
}

macro_rules! key_as_text {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> R<'py> { self.text(&v.to_string()) })*
    };
}

impl<'py> ser::Serializer for KeySer<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    type SerializeSeq = Impossible<Self::Ok, SerError>;
    type SerializeTuple = Impossible<Self::Ok, SerError>;
    type SerializeTupleStruct = Impossible<Self::Ok, SerError>;
    type SerializeTupleVariant = Impossible<Self::Ok, SerError>;
    type SerializeMap = Impossible<Self::Ok, SerError>;
    type SerializeStruct = Impossible<Self::Ok, SerError>;
    type SerializeStructVariant = Impossible<Self::Ok, SerError>;

    key_as_text!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char);

    fn serialize_str(self, v: &str) -> R<'py> {
        self.text(v)
    }
    fn serialize_bytes(self, _: &[u8]) -> R<'py> {
        Err(ser::Error::custom("a map key is bytes"))
    }
    fn serialize_none(self) -> R<'py> {
        Err(ser::Error::custom("a map key is none"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> R<'py> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> R<'py> {
        Err(ser::Error::custom("a map key is unit"))
    }
    fn serialize_unit_struct(self, _: &'static str) -> R<'py> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R<'py> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> R<'py> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> R<'py> {
        Err(ser::Error::custom("a map key is an enum with data"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        Err(ser::Error::custom("a map key is a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        Err(ser::Error::custom("a map key is a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        Err(ser::Error::custom("a map key is a tuple"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(ser::Error::custom("a map key is a tuple"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        Err(ser::Error::custom("a map key is a map"))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        Err(ser::Error::custom("a map key is a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        Err(ser::Error::custom("a map key is a struct"))
    }
}

impl<'py> ser::SerializeMap for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), SerError> {
        self.key = Some(k.serialize(KeySer { py: self.ser.py })?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), SerError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <SerError as ser::Error>::custom("a map value without a key"))?;
        self.dict.set_item(key, v.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}

impl<'py> ser::SerializeStruct for Map<'py> {
    type Ok = Bound<'py, PyAny>;
    type Error = SerError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), SerError> {
        self.dict.set_item(cached(self.ser.py, name, true), v.serialize(self.ser)?)?;
        Ok(())
    }
    fn end(self) -> R<'py> {
        Ok(self.dict.into_any())
    }
}
