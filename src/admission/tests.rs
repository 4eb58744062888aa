//! Admission over whole objects, against the embedded releases.
