//! The IDX format of MNIST and Fashion-MNIST: a directory holding an
//! images file (unsigned bytes, samples × rows × columns) and a labels
//! file (unsigned bytes, one per sample), each optionally gzipped. The
//! format is four header bytes (0, 0, the type 0x08 for unsigned bytes,
//! the number of dimensions), each dimension as a big-endian u32, then the
//! data. The one IDX crate on crates.io is GPL-2.0 and needs nightly Rust;
//! this reader is the few lines the format takes, bounded like the rest.

use super::{Features, MAX_DATA_BYTES, Table, gunzip, number_densely};
use crate::capped_read::read_capped;
use std::path::{Path, PathBuf};

/// The file pairs looked for, in order: the training set, then the test
/// set (the names MNIST and Fashion-MNIST both use; torchvision keeps
/// them, gzipped or not, in `…/raw/`).
const PAIRS: [(&str, &str); 2] = [
    ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
];

/// At most this many samples: labels become machine words, so a small file
/// of many tiny images could otherwise ask for gigabytes (MNIST has 60 000,
/// EMNIST's largest split about 700 000).
pub const MAX_SAMPLES: usize = 1_000_000;

/// Whether `dir` holds an IDX pair that [`read_dir`] would read.
pub fn holds_idx(dir: &Path) -> bool {
    PAIRS
        .iter()
        .any(|(images, labels)| find(dir, images).is_some() && find(dir, labels).is_some())
}

/// Reads the first pair of [`PAIRS`] present in `dir`.
pub fn read_dir(dir: &Path) -> Result<Table, String> {
    let shown = dir.display();
    let (images, labels) = PAIRS
        .iter()
        .find_map(|(images, labels)| Some((find(dir, images)?, find(dir, labels)?)))
        .ok_or_else(|| {
            format!(
                "{shown}: a directory, but without MNIST's IDX files (train-images-idx3-ubyte \
                 and train-labels-idx1-ubyte, gzipped or not)"
            )
        })?;
    let images = read_file(&images)?;
    let labels = read_file(&labels)?;
    from_idx(images, &labels).map_err(|e| format!("{shown}: {e}"))
}

/// `name` or `name.gz` in `dir`, whichever is there.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    [name.to_string(), format!("{name}.gz")]
        .into_iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// A file's bytes, decompressed if gzipped; at most [`MAX_DATA_BYTES`]
/// either way.
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let bytes = read_capped(path, MAX_DATA_BYTES).map_err(|e| format!("{shown}: {e}"))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        gunzip(&bytes).map_err(|e| format!("{shown}: {e}"))
    } else {
        Ok(bytes)
    }
}

/// The table of an images file and a labels file's bytes (the images'
/// bytes become the table's, without a copy).
pub fn from_idx(mut images: Vec<u8>, labels: &[u8]) -> Result<Table, String> {
    let (image_dims, pixels) = parse(&images).map_err(|e| format!("the images file: {e}"))?;
    let header = images.len() - pixels.len();
    let (label_dims, digits) = parse(labels).map_err(|e| format!("the labels file: {e}"))?;
    let &[samples, rows, cols] = image_dims.as_slice() else {
        return Err(format!(
            "the images file has {} dimensions; images have 3 (samples, rows, columns)",
            image_dims.len()
        ));
    };
    let &[count] = label_dims.as_slice() else {
        return Err(format!(
            "the labels file has {} dimensions; labels have 1",
            label_dims.len()
        ));
    };
    if count != samples {
        return Err(format!("{samples} images but {count} labels"));
    }
    if samples > MAX_SAMPLES {
        return Err(format!("{samples} images; at most {MAX_SAMPLES} are read"));
    }
    let labels: Vec<usize> = digits.iter().map(|&d| usize::from(d)).collect();
    let (labels, classes) = number_densely(&labels)?;
    Ok(Table {
        features: Features::Bytes {
            rows: samples,
            // `parse` checked that the product of the dimensions fits.
            cols: rows * cols,
            data: {
                images.drain(..header);
                images
            },
        },
        labels,
        classes,
    })
}

/// The dimensions and the data of an IDX file of unsigned bytes; the data
/// must be exactly as long as the dimensions say.
pub fn parse(bytes: &[u8]) -> Result<(Vec<usize>, &[u8]), String> {
    let Some(&[zero_a, zero_b, kind, ndim]) = bytes.first_chunk::<4>() else {
        return Err("shorter than an IDX header".into());
    };
    if (zero_a, zero_b) != (0, 0) {
        return Err("not an IDX file (it does not start with two zero bytes)".into());
    }
    if kind != 0x08 {
        return Err(format!(
            "holds data of type 0x{kind:02x}; only unsigned bytes (0x08), as MNIST's, are read"
        ));
    }
    let ndim = usize::from(ndim);
    let header = 4 + 4 * ndim;
    let sizes = bytes.get(4..header).ok_or("shorter than its header says")?;
    let mut dims = Vec::with_capacity(ndim);
    let mut total: usize = 1;
    for size in sizes.chunks_exact(4) {
        let d = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
        total = total
            .checked_mul(d)
            .ok_or("its dimensions multiply past what memory can hold")?;
        dims.push(d);
    }
    let data = bytes.get(header..).unwrap_or_default();
    if data.len() != total {
        return Err(format!(
            "its dimensions {dims:?} make {total} bytes of data, but it holds {}",
            data.len()
        ));
    }
    Ok((dims, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IDX file of unsigned bytes with these dimensions and data.
    pub fn idx(dims: &[u32], data: &[u8]) -> Vec<u8> {
        let mut out = vec![0, 0, 0x08, dims.len() as u8];
        for d in dims {
            out.extend_from_slice(&d.to_be_bytes());
        }
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn images_become_rows_of_pixels_and_labels_classes() {
        // Three 2 × 2 images, labels 7, 3, 7.
        let images = idx(&[3, 2, 2], &[0, 1, 2, 3, 10, 11, 12, 13, 255, 0, 0, 255]);
        let labels = idx(&[3], &[7, 3, 7]);
        let t = from_idx(images, &labels).unwrap();
        assert_eq!(t.features.shape(), (3, 4));
        assert_eq!(t.features.get(1, 2), 12.0);
        assert_eq!(t.features.get(2, 0), 255.0);
        assert!(t.features.get(3, 0).is_nan() && t.features.get(0, 4).is_nan());
        assert_eq!((t.labels, t.classes), (vec![1, 0, 1], 2));
    }

    #[test]
    fn a_file_that_is_not_what_it_says_is_refused_in_one_line() {
        let labels = idx(&[2], &[0, 1]);
        for (images, says) in [
            (vec![0, 0, 8], "shorter than an IDX header"),
            (vec![1, 0, 8, 1, 0, 0, 0, 0], "two zero bytes"),
            (vec![0, 0, 0x0d, 1, 0, 0, 0, 0], "type 0x0d"),
            (vec![0, 0, 8, 3, 0, 0], "shorter than its header says"),
            (idx(&[2, 2, 2], &[0; 7]), "8 bytes of data, but it holds 7"),
            (idx(&[2, 2, 2], &[0; 9]), "but it holds 9"),
            (idx(&[2, 4], &[0; 8]), "has 2 dimensions"),
            (idx(&[3, 1, 2], &[0; 6]), "3 images but 2 labels"),
            (
                idx(&[u32::MAX, u32::MAX, u32::MAX], &[]),
                "multiply past what memory can hold",
            ),
        ] {
            let e = from_idx(images, &labels).unwrap_err();
            assert!(e.contains(says), "{e}");
            assert!(!e.contains('\n'));
        }
        let many = (MAX_SAMPLES + 1) as u32;
        let e = from_idx(
            idx(&[many, 0, 0], &[]),
            &idx(&[many], &vec![0; many as usize]),
        )
        .unwrap_err();
        assert!(e.contains("at most 1000000 are read"), "{e}");
        let one_class = idx(&[2], &[4, 4]);
        let e = from_idx(idx(&[2, 1, 1], &[0, 1]), &one_class).unwrap_err();
        assert!(e.contains("two classes"), "{e}");
    }

    #[test]
    fn a_directory_is_read_gzipped_or_not_and_without_the_files_says_which_it_wants() {
        let dir = std::env::temp_dir().join(format!("bilevel-idx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!holds_idx(&dir));
        let e = read_dir(&dir).unwrap_err();
        assert!(e.contains("train-images-idx3-ubyte"), "{e}");
        let images = idx(&[2, 1, 3], &[1, 2, 3, 4, 5, 6]);
        std::fs::write(dir.join("t10k-images-idx3-ubyte"), &images).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &idx(&[2], &[5, 9])).unwrap();
        std::fs::write(dir.join("t10k-labels-idx1-ubyte.gz"), gz.finish().unwrap()).unwrap();
        assert!(holds_idx(&dir));
        let t = read_dir(&dir).unwrap();
        assert_eq!((t.features.shape(), t.labels.clone()), ((2, 3), vec![0, 1]));
        std::fs::remove_dir_all(&dir).ok();
    }
}
