use super::*;

fn git(commit: &str) -> Revision {
    Revision::Git { repo_url: "https://github.com/acme/deploy.git".to_owned(), commit: commit.to_owned() }
}

fn image(digest: &str, tag: &str) -> Revision {
    Revision::Image { repo_url: "ghcr.io/acme/web".to_owned(), digest: digest.to_owned(), tag: Some(tag.to_owned()) }
}

fn chart() -> Revision {
    Revision::Chart {
        repo_url: "https://charts.acme.example/".to_owned(),
        name: "web".to_owned(),
        version: "1.4.2".to_owned(),
    }
}

const SHA: &str = "3f2c9a1b7e4d5c6b8a9f0e1d2c3b4a5968778695";
const DIGEST: &str = "sha256:1d7f4e0c6b2a9c8d3e5f7a1b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d";

#[test]
fn canonical_forms() {
    assert_eq!(git(SHA).canonical(), format!("git:https://github.com/acme/deploy.git@{SHA}"));
    assert_eq!(image(DIGEST, "1.4.2").canonical(), format!("image:ghcr.io/acme/web@{DIGEST}"));
    assert_eq!(chart().canonical(), "chart:https://charts.acme.example/web@1.4.2");
}

/// The id is pinned: changing the hashing would change every stored Freight's identity.
#[test]
fn the_id_is_stable() {
    let id = FreightId::of(&[git(SHA), image(DIGEST, "1.4.2"), chart()]);
    let input = format!(
        "chart:https://charts.acme.example/web@1.4.2\ngit:https://github.com/acme/deploy.git@{SHA}\nimage:ghcr.io/acme/web@{DIGEST}\n"
    );
    assert_eq!(id.hex(), sha256_hex(&input));
    assert_eq!(id.hex(), "9a12ea495dbec228e4c549970287278eb358644d9ba5c8dd46609db01e933f1e");
    assert_eq!(FreightId::from_hex(&id.hex()), Some(id.clone()));
    assert_eq!(id.short().len(), 12);
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn order_repetition_and_tags_do_not_change_the_id() {
    let a = FreightId::of(&[git(SHA), image(DIGEST, "1.4.2"), chart()]);
    let b = FreightId::of(&[chart(), image(DIGEST, "latest"), git(SHA), git(&SHA.to_uppercase())]);
    assert_eq!(a, b);
    assert_ne!(a, FreightId::of(&[git(SHA), chart()]));
    assert_ne!(a, FreightId::of(&[git("0000000000000000000000000000000000000000"), image(DIGEST, "1.4.2"), chart()]));
}

#[test]
fn aliases_are_stable_and_follow_the_id() {
    let freight = Freight::new("web", vec![image(DIGEST, "1.4.2"), git(SHA), git(SHA)], 1_700_000_000);
    assert_eq!(freight.alias, "mighty-narwhal-849");
    assert_eq!(freight.alias, alias(&freight.id));
    assert_eq!(freight.revisions.len(), 2, "duplicates are dropped");
    assert_eq!(freight.revisions[0], git(SHA), "revisions are sorted by canonical form");
    let parts: Vec<&str> = freight.alias.split('-').collect();
    assert_eq!(parts.len(), 3);
    assert!(parts[2].parse::<u16>().is_ok_and(|n| n < 1000));
    let other = Freight::new("web", vec![image(DIGEST, "1.4.2")], 0);
    assert_ne!(other.alias, freight.alias);
}
