//! Compound files (OLE2 / CFB: `.doc`, `.xls`) checked before any reader allocates.
//!
//! The readers (cfb for rwml's `.doc`, calamine's own parser for `.xls`) trust the file's claims:
//! a stream said to hold 4 GB is read sector by sector until 4 GB are gathered, a sector chain that
//! loops is followed for ever, a FAT entry past the table's end is an index out of bounds. Here
//! every structure they follow is walked once, bounded by the file's real size:
//! - the DIFAT chain and the FAT sectors it lists lie inside the file, with no loop;
//! - the directory chain and the mini FAT chain lie inside the file, with no loop;
//! - every stream's chain (in the FAT, or in the mini FAT for small streams) lies inside the file
//!   (or the mini stream), has no loop, and is long enough for the size the stream claims, so no
//!   claim exceeds the file;
//! - the directory tree's links point at entries that exist, and the tree has no loop.
//!
//! Anything else is refused with one line naming what is wrong. Work is bounded too: chains are
//! walked only as far as their stream needs, and all walks together may not visit more sectors
//! than a few times the file holds (streams of a real file never share sectors).

const MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FREE: u32 = 0xFFFF_FFFF;
const NO_STREAM: u32 = 0xFFFF_FFFF;
const MINI_SECTOR: u64 = 64;
const DIR_ENTRY: usize = 128;

/// Check the compound file in `bytes`; `Err` says what is damaged.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    File::open(bytes)?.check()
}

struct File<'a> {
    bytes: &'a [u8],
    v3: bool,
    sector: usize,
    /// Sectors present in the file (a short last sector counts).
    sectors: u32,
    fat: Vec<u32>,
    /// Visit stamps per sector for loop detection, shared by all walks.
    seen: Vec<u32>,
    stamp: u32,
    /// Sectors visited by all walks together.
    steps: u64,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from(u32_at(b, at)) | (u64::from(u32_at(b, at + 4)) << 32)
}

impl<'a> File<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, String> {
        if bytes.len() < 512 || !bytes.starts_with(MAGIC) {
            return Err("a truncated compound file (shorter than its header)".into());
        }
        let shift = u16_at(bytes, 0x1E);
        let sector = match shift {
            9 => 512,
            12 => 4096,
            _ => return Err(format!("a damaged compound file (sector shift {shift})")),
        };
        if bytes.len() < sector {
            return Err("a truncated compound file (shorter than its header)".into());
        }
        let sectors = (bytes.len() - sector).div_ceil(sector);
        let sectors =
            u32::try_from(sectors).map_err(|_| "a compound file too large".to_string())?;
        Ok(File {
            bytes,
            v3: u16_at(bytes, 0x1A) != 4,
            sector,
            sectors,
            fat: Vec::new(),
            seen: vec![0; sectors as usize],
            stamp: 0,
            steps: 0,
        })
    }

    fn sector_bytes(&self, id: u32) -> &'a [u8] {
        let start = (id as usize + 1) * self.sector;
        let end = (start + self.sector).min(self.bytes.len());
        &self.bytes[start.min(end)..end]
    }

    /// Entries of the given sector as u32s (a short last sector is padded with FREE).
    fn words(&self, id: u32) -> Vec<u32> {
        let b = self.sector_bytes(id);
        (0..self.sector / 4)
            .map(|i| {
                if i * 4 + 4 <= b.len() {
                    u32_at(b, i * 4)
                } else {
                    FREE
                }
            })
            .collect()
    }

    fn budget(&mut self, what: &str) -> Result<(), String> {
        self.steps += 1;
        if self.steps > 4 * u64::from(self.sectors) + 4096 {
            return Err(format!(
                "a damaged compound file ({what}: sector chains overlap)"
            ));
        }
        Ok(())
    }

    fn check(mut self) -> Result<(), String> {
        let b = self.bytes;
        // FAT sectors: the header's 109 DIFAT entries, then the DIFAT chain.
        let mut fat_sectors: Vec<u32> = (0..109).map(|i| u32_at(b, 0x4C + 4 * i)).collect();
        let mut next = u32_at(b, 0x44);
        self.stamp += 1;
        while next != END_OF_CHAIN && next != FREE {
            self.visit(next, "the DIFAT chain")?;
            let words = self.words(next);
            let (last, entries) = words.split_last().expect("a sector holds words");
            fat_sectors.extend_from_slice(entries);
            next = *last;
        }
        let mut fat = Vec::new();
        self.stamp += 1;
        for id in fat_sectors.into_iter().filter(|&id| id <= MAX_REGULAR) {
            self.visit(id, "the FAT")?;
            fat.extend(self.words(id));
        }
        self.fat = fat;

        // Directory entries.
        let dir_chain = self.chain(u32_at(b, 0x30), u64::MAX, "the directory")?;
        let mut dir = Vec::with_capacity(dir_chain.len() * self.sector);
        for &id in &dir_chain {
            dir.extend_from_slice(self.sector_bytes(id));
        }
        let entries: Vec<&[u8]> = dir.chunks_exact(DIR_ENTRY).collect();
        let root = *entries
            .first()
            .ok_or("a damaged compound file (no directory entries)")?;
        if root[66] != 5 {
            return Err(
                "a damaged compound file (the first directory entry is not the root)".into(),
            );
        }
        self.check_tree(&entries)?;

        // The mini stream (the root's stream) and the mini FAT.
        let cutoff = u64::from(u32_at(b, 0x38));
        let mini_stream_size = self.size(root);
        let mini_stream = self.chain(u32_at(root, 116), mini_stream_size, "the mini stream")?;
        if (mini_stream.len() as u64) * (self.sector as u64) < mini_stream_size {
            return Err(
                "a damaged compound file (the mini stream is shorter than it claims)".into(),
            );
        }
        let mini_fat_chain = self.chain(u32_at(b, 0x3C), u64::MAX, "the mini FAT")?;
        let mini_fat: Vec<u32> = mini_fat_chain
            .iter()
            .flat_map(|&id| self.words(id))
            .collect();
        let mini_sectors = u32::try_from(mini_stream_size / MINI_SECTOR).unwrap_or(u32::MAX);
        let mut mini_seen = vec![0u32; mini_sectors as usize];

        for (i, e) in entries.iter().enumerate() {
            if e[66] != 2 {
                continue;
            }
            let size = self.size(e);
            let name = entry_name(e);
            if size > b.len() as u64 {
                return Err(format!(
                    "a damaged compound file (stream {name} claims {size} bytes in a file of {})",
                    b.len()
                ));
            }
            if size == 0 {
                continue;
            }
            let start = u32_at(e, 116);
            if size < cutoff {
                // In the mini stream: 64-byte sectors chained by the mini FAT.
                let stamp = i as u32 + 1;
                let mut id = start;
                let mut covered = 0u64;
                while covered < size {
                    if id >= mini_sectors || id as usize >= mini_fat.len() {
                        return Err(format!(
                            "a damaged compound file (stream {name} leaves the mini stream)"
                        ));
                    }
                    if mini_seen[id as usize] == stamp {
                        return Err(format!(
                            "a damaged compound file (the chain of stream {name} loops)"
                        ));
                    }
                    mini_seen[id as usize] = stamp;
                    self.budget(&name)?;
                    covered += MINI_SECTOR;
                    id = mini_fat[id as usize];
                }
            } else {
                let chain = self.chain(start, size, &name)?;
                if (chain.len() as u64) * (self.sector as u64) < size {
                    return Err(format!(
                        "a damaged compound file (stream {name} claims {size} bytes but its chain holds {})",
                        chain.len() * self.sector
                    ));
                }
            }
        }
        Ok(())
    }

    /// Mark sector `id` visited in the current walk.
    fn visit(&mut self, id: u32, what: &str) -> Result<(), String> {
        if id >= self.sectors {
            return Err(format!(
                "a damaged compound file ({what} points past the end of the file)"
            ));
        }
        if self.seen[id as usize] == self.stamp {
            return Err(format!("a damaged compound file ({what} loops)"));
        }
        self.seen[id as usize] = self.stamp;
        self.budget(what)
    }

    /// The FAT chain from `start`, walked until it ends or covers `need` bytes.
    fn chain(&mut self, start: u32, need: u64, what: &str) -> Result<Vec<u32>, String> {
        self.stamp += 1;
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN {
            if (out.len() as u64) * (self.sector as u64) >= need {
                break;
            }
            if id == FREE && out.is_empty() {
                break;
            }
            if id as usize >= self.fat.len() {
                return Err(format!(
                    "a damaged compound file ({what}: sector {id} is outside the FAT)"
                ));
            }
            self.visit(id, what)?;
            out.push(id);
            id = self.fat[id as usize];
        }
        Ok(out)
    }

    fn size(&self, entry: &[u8]) -> u64 {
        if self.v3 {
            u64::from(u32_at(entry, 120))
        } else {
            u64_at(entry, 120)
        }
    }

    /// Left, right and child links point at existing entries, and the tree has no loop.
    fn check_tree(&self, entries: &[&[u8]]) -> Result<(), String> {
        let mut seen = vec![false; entries.len()];
        let mut stack = vec![0u32];
        while let Some(i) = stack.pop() {
            let e = entries
                .get(i as usize)
                .ok_or("a damaged compound file (a directory link points nowhere)")?;
            if std::mem::replace(&mut seen[i as usize], true) {
                return Err("a damaged compound file (the directory tree loops)".into());
            }
            for at in [68, 72, 76] {
                let link = u32_at(e, at);
                if link != NO_STREAM {
                    stack.push(link);
                }
            }
        }
        Ok(())
    }
}

fn entry_name(e: &[u8]) -> String {
    let len = (u16_at(e, 64) as usize).min(64) / 2;
    let units: Vec<u16> = (0..len.saturating_sub(1))
        .map(|i| u16_at(e, 2 * i))
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal compound file (512-byte sectors): header, one FAT sector (0), one directory
    /// sector (1) holding the root and one stream named `name`, and `data_sectors` sectors of
    /// data (2…) chained in order for the stream, which claims `claim` bytes.
    pub(crate) fn compound(name: &str, data: &[u8], claim: u64) -> Vec<u8> {
        let data_sectors = data.len().div_ceil(512).max(1) as u32;
        let mut f = vec![0u8; 512];
        f[..8].copy_from_slice(MAGIC);
        f[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        f[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        f[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        f[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        f[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        f[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes()); // FAT sectors
        f[0x30..0x34].copy_from_slice(&1u32.to_le_bytes()); // directory start
        f[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        f[0x3C..0x40].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no mini FAT
        f[0x44..0x48].copy_from_slice(&END_OF_CHAIN.to_le_bytes()); // no DIFAT chain
        for i in 0..109 {
            f[0x4C + 4 * i..0x50 + 4 * i].copy_from_slice(&FREE.to_le_bytes());
        }
        f[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes()); // FAT in sector 0
                                                            // FAT
        let mut fat = vec![FREE; 128];
        fat[0] = 0xFFFF_FFFD;
        fat[1] = END_OF_CHAIN;
        for s in 0..data_sectors {
            fat[(2 + s) as usize] = if s + 1 == data_sectors {
                END_OF_CHAIN
            } else {
                3 + s
            };
        }
        for w in fat {
            f.extend_from_slice(&w.to_le_bytes());
        }
        // Directory
        let mut dir = vec![0u8; 512];
        let entry = |d: &mut [u8], name: &str, kind: u8, start: u32, size: u64, child: u32| {
            let units: Vec<u16> = name.encode_utf16().collect();
            for (i, u) in units.iter().enumerate() {
                d[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
            }
            d[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            d[66] = kind;
            d[67] = 1;
            d[68..72].copy_from_slice(&NO_STREAM.to_le_bytes());
            d[72..76].copy_from_slice(&NO_STREAM.to_le_bytes());
            d[76..80].copy_from_slice(&child.to_le_bytes());
            d[116..120].copy_from_slice(&start.to_le_bytes());
            d[120..128].copy_from_slice(&size.to_le_bytes());
        };
        entry(&mut dir[..128], "Root Entry", 5, END_OF_CHAIN, 0, 1);
        entry(&mut dir[128..256], name, 2, 2, claim, NO_STREAM);
        for d in dir[256..].chunks_mut(128) {
            d[68..80].copy_from_slice(&[0xFF; 12]);
        }
        f.extend_from_slice(&dir);
        let mut body = data.to_vec();
        body.resize(data_sectors as usize * 512, 0);
        f.extend_from_slice(&body);
        f
    }

    /// Make the chain of the stream in a file from [`compound`] point back at its first sector.
    pub(crate) fn with_loop(mut f: Vec<u8>) -> Vec<u8> {
        let at = 512 + 4 * 2;
        f[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
        f
    }

    #[test]
    fn a_well_formed_file_passes() {
        let f = compound("Workbook", &[7u8; 5000], 5000);
        assert_eq!(check(&f), Ok(()));
        let file = cfb::CompoundFile::open(std::io::Cursor::new(&f)).unwrap();
        assert!(file.is_stream("/Workbook"));
    }

    #[test]
    fn claims_beyond_the_file_are_refused() {
        let f = compound("Workbook", &[7u8; 5000], 0xFFFF_F000);
        assert!(check(&f).unwrap_err().contains("claims 4294963200 bytes"));
        let f = compound("Workbook", &[7u8; 5000], 6000);
        assert!(check(&f).unwrap_err().contains("its chain holds"));
    }

    #[test]
    fn loops_and_wild_sectors_are_refused() {
        let f = with_loop(compound("Workbook", &[7u8; 5000], 5000));
        assert!(check(&f).unwrap_err().contains("loops"), "{:?}", check(&f));
        let mut f = compound("Workbook", &[7u8; 5000], 5000);
        f[512 + 8..512 + 12].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        assert!(check(&f).unwrap_err().contains("outside the FAT"));
        let mut f = compound("Workbook", &[7u8; 5000], 5000);
        f[512 + 8..512 + 12].copy_from_slice(&100u32.to_le_bytes());
        assert!(check(&f).unwrap_err().contains("past the end"));
        // A DIFAT chain that loops on itself.
        let mut f = compound("Workbook", &[7u8; 5000], 5000);
        f[0x44..0x48].copy_from_slice(&2u32.to_le_bytes());
        let at = 3 * 512 - 4;
        f[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
        assert!(check(&f).is_err());
    }

    #[test]
    fn truncated_and_garbage_headers_are_refused() {
        let f = compound("Workbook", &[7u8; 5000], 5000);
        assert!(check(&f[..300]).is_err());
        assert!(check(&f[..700]).is_err());
        for cut in (512..f.len()).step_by(97) {
            let _ = check(&f[..cut]);
        }
    }
}
