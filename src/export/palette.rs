//! The colours of every chart and of the terminal table: the Okabe-Ito palette, safe for
//! colour-blind readers (Okabe and Ito 2008), one colour per arm in order.

/// Blue, vermillion, bluish green, reddish purple, orange, sky blue, black.
pub const PALETTE: [(u8, u8, u8); 7] = [
    (0, 114, 178),
    (213, 94, 0),
    (0, 158, 115),
    (204, 121, 167),
    (230, 159, 0),
    (86, 180, 233),
    (0, 0, 0),
];

/// The colour of arm `i`, as red, green, blue.
pub fn colour(i: usize) -> (u8, u8, u8) {
    PALETTE[i % PALETTE.len()]
}
