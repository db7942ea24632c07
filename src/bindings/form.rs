//! A `FormData` from the params object the facade passes (files and text fields together).
use crate::protocol::error::Error;
use crate::protocol::multipart::{self, FileField};
use crate::transport::form::{file_part, Form};
use crate::transport::runtime::js_error_message;
use js_sys::{Array, ArrayBuffer, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

fn invalid(message: String) -> Error {
    Error::InvalidArgument { message }
}

/// An array of files: an `Array`, or an array-like such as a `FileList` from an `<input>`.
fn file_list(value: &JsValue) -> Option<Array> {
    if let Some(list) = value.dyn_ref::<Array>() {
        return Some(list.clone());
    }
    let is_file_data = value.is_instance_of::<Blob>() || value.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(value);
    let has_length = Reflect::get(value, &JsValue::from_str("length")).ok().is_some_and(|l| l.as_f64().is_some());
    (value.is_object() && !is_file_data && has_length).then(|| Array::from(value))
}

/// Builds the form of a multipart request: the `spec` fields as files (arrays as repeated
/// `name[]`), every other member as text fields.
pub(super) async fn form_from_params(params: &JsValue, spec: &[FileField], what: &str) -> Result<Form, Error> {
    if !params.is_object() || Array::is_array(params) {
        return Err(invalid(format!("{what} expects a params object")));
    }
    let text_only = Object::assign(&Object::new(), params.unchecked_ref());
    let mut files = Vec::with_capacity(spec.len());
    for field in spec {
        let key = JsValue::from_str(field.name);
        files.push((field, Reflect::get(params, &key).unwrap_or(JsValue::UNDEFINED)));
        let _ = Reflect::delete_property(&text_only, &key);
    }
    let json = JSON::stringify(&text_only)
        .map_err(|e| invalid(format!("{what}: the parameters cannot be written as text: {}", js_error_message(&e))))?
        .as_string()
        .unwrap_or_default();
    multipart::check_required(&json, multipart::required_text(spec))?;
    let form = Form::new()?;
    for (name, value) in multipart::text_fields(&json, &[])? {
        form.text(&name, &value)?;
    }
    for (field, value) in files {
        if value.is_undefined() || value.is_null() {
            if field.required {
                return Err(invalid(format!("{} is required", field.name)));
            }
            continue;
        }
        if let Some(list) = file_list(&value) {
            if !field.multiple {
                return Err(invalid(format!("{} takes one file, not an array", field.name)));
            }
            if list.length() == 0 && field.required {
                return Err(invalid(format!("{} is required (the array is empty)", field.name)));
            }
            let name = format!("{}[]", field.name);
            for item in list.iter() {
                form.file(&name, &file_part(field.name, &item).await?)?;
            }
        } else {
            form.file(field.name, &file_part(field.name, &value).await?)?;
        }
    }
    Ok(form)
}
