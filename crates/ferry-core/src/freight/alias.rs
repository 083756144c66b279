//! A Freight's alias: an adjective, an animal and a number taken from the id's first bytes
//! (`brave-otter-417`), so that people can say which Freight they mean. The same id always
//! gives the same alias; 64 × 64 × 1000 aliases keep collisions rare among the Freight one
//! Warehouse makes, and the id stays the identity.

use super::id::FreightId;

const ADJECTIVES: [&str; 64] = [
    "amber", "bold", "brave", "breezy", "bright", "brisk", "calm", "clever", "cosy", "crisp", "curly", "daring",
    "dusty", "eager", "early", "fancy", "fierce", "fluffy", "fond", "frosty", "gentle", "giddy", "glad", "golden",
    "grand", "happy", "hardy", "humble", "jolly", "keen", "kind", "lively", "lucky", "mellow", "merry", "mighty",
    "misty", "nimble", "noble", "plucky", "polite", "proud", "quick", "quiet", "rapid", "rosy", "rusty", "shiny",
    "silent", "silver", "sleepy", "snowy", "spry", "steady", "sunny", "swift", "tidy", "tiny", "vivid", "warm", "wild",
    "wise", "witty", "zesty",
];

const ANIMALS: [&str; 64] = [
    "alpaca", "badger", "beaver", "bison", "bobcat", "camel", "caribou", "cheetah", "condor", "corgi", "coyote",
    "crane", "dingo", "dolphin", "donkey", "eagle", "falcon", "ferret", "finch", "gecko", "gibbon", "gopher", "heron",
    "hippo", "ibex", "iguana", "jackal", "jaguar", "koala", "lemur", "lynx", "magpie", "marmot", "marten", "moose",
    "narwhal", "newt", "ocelot", "orca", "osprey", "otter", "panda", "parrot", "pelican", "puffin", "quail", "rabbit",
    "raven", "salmon", "seal", "sloth", "stoat", "tapir", "tiger", "toucan", "turtle", "viper", "walrus", "weasel",
    "whale", "wolf", "wombat", "yak", "zebra",
];

/// The alias of a Freight id.
pub fn alias(id: &FreightId) -> String {
    let b = id.as_bytes();
    let adjective = ADJECTIVES[usize::from(b[0] & 63)];
    let animal = ANIMALS[usize::from(b[1] & 63)];
    let number = u16::from_be_bytes([b[2], b[3]]) % 1000;
    format!("{adjective}-{animal}-{number}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_distinct_and_plain() {
        for list in [&ADJECTIVES, &ANIMALS] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), 64);
            assert!(list.iter().all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
        }
    }
}
