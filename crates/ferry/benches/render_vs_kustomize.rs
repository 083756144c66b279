//! Benchmark (not a test): `ferry render` against `kubectl kustomize` on the same overlays, as
//! whole processes, in one run; plus Ferry's in-process build time per overlay. Overlays: a
//! small one (a base of three objects, a prefix, labels, an image, a patch) and a large
//! generated one (hundreds of resources, components, generators and patches). Both outputs are
//! checked to be byte-identical before anything is timed. Peak memory comes from
//! `/usr/bin/time -f %M` when it is installed.
//! Run: `cargo bench -p ferry --bench render_vs_kustomize`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use ferry_render::kustomize::{self, BuildOptions, FsLoader};

const RUNS: usize = 15;
const IN_PROCESS_RUNS: usize = 50;

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn deployment(name: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels: {{app: {name}}}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      serviceAccountName: {name}\n      containers:\n      - name: app\n        image: registry.example.com/team/{name}:1.0.0\n        ports: [{{containerPort: 8080}}]\n        envFrom: [{{configMapRef: {{name: {name}-config}}}}]\n        volumeMounts: [{{name: secret, mountPath: /etc/secret}}]\n      volumes: [{{name: secret, secret: {{secretName: {name}-secret}}}}]\n"
    )
}

fn service(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80, targetPort: 8080}}]\n"
    )
}

fn small(root: &Path) {
    write(
        root,
        "base/kustomization.yaml",
        "resources: [app.yaml]\nconfigMapGenerator:\n- name: web-config\n  literals: [MODE=base]\n",
    );
    write(root, "base/app.yaml", &format!("{}---\n{}", deployment("web"), service("web")));
    write(
        root,
        "overlay/kustomization.yaml",
        "resources: [../base]\nnamePrefix: prod-\nnamespace: prod\ncommonLabels: {env: prod}\nimages:\n- name: registry.example.com/team/web\n  newTag: 2.0.0\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 3\n",
    );
}

/// 100 apps in the base (Deployment, Service, ServiceAccount each: 300 resources), a component
/// adding a label and an annotation, 40 generators, 100 strategic-merge and 50 JSON patches.
fn large(root: &Path) {
    let mut base = String::from("resources:\n");
    let mut gens = String::from("configMapGenerator:\n");
    for i in 0..100 {
        let name = format!("app{i:03}");
        write(
            root,
            &format!("base/{name}.yaml"),
            &format!(
                "{}---\n{}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n",
                deployment(&name),
                service(&name)
            ),
        );
        writeln!(base, "- {name}.yaml").unwrap();
        if i < 40 {
            write!(gens, "- name: {name}-config\n  literals: [INDEX={i}, NAME={name}]\n").unwrap();
        }
    }
    write(root, "base/kustomization.yaml", &(base + &gens));
    write(
        root,
        "component/kustomization.yaml",
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {team: platform}\nlabels:\n- pairs: {tier: backend}\n  includeTemplates: true\n",
    );
    let mut overlay = String::from(
        "resources: [../base]\ncomponents: [../component]\nnamePrefix: prod-\nnamespace: prod\ncommonLabels: {env: prod}\nimages:\n- name: registry.example.com/team/app001\n  newTag: 2.0.0\npatches:\n",
    );
    for i in 0..100 {
        let name = format!("app{i:03}");
        write(
            root,
            &format!("overlay/patches/{name}.yaml"),
            &format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        resources: {{limits: {{memory: 256Mi}}}}\n"
            ),
        );
        writeln!(overlay, "- path: patches/{name}.yaml").unwrap();
        if i < 50 {
            write!(overlay, "- target: {{kind: Service, name: {name}}}\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {{exposed: \"true\"}}\n").unwrap();
        }
    }
    write(root, "overlay/kustomization.yaml", &overlay);
}

fn run(cmd: &mut Command) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let out = cmd.output().expect("the program runs");
    let took = start.elapsed();
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    (took, out.stdout)
}

fn peak_rss_kib(program: &str, args: &[&str]) -> Option<u64> {
    let out = Command::new("/usr/bin/time").args(["-f", "%M", program]).args(args).output().ok()?;
    String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse().ok()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench(label: &str, root: &Path) {
    let overlay = root.join("overlay");
    let dir = overlay.to_str().unwrap();
    let ferry = env!("CARGO_BIN_EXE_ferry");
    let (_, ours) = run(Command::new(ferry).args(["render", dir]));
    let (_, theirs) = run(Command::new("kubectl").args(["kustomize", dir]));
    assert!(ours == theirs, "{label}: ferry render differs from kubectl kustomize");
    let objects = theirs.split(|b| *b == b'\n').filter(|l| *l == b"---").count() + 1;
    let (mut f, mut k) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        f.push(run(Command::new(ferry).args(["render", dir])).0);
        k.push(run(Command::new("kubectl").args(["kustomize", dir])).0);
    }
    let (loader, rel) = FsLoader::for_directory(&overlay).expect("the overlay directory");
    let opts = BuildOptions::default();
    let mut inproc = Vec::new();
    for _ in 0..IN_PROCESS_RUNS {
        let start = Instant::now();
        let out = kustomize::build_yaml(&loader, &rel, &opts).expect("builds");
        inproc.push(start.elapsed());
        assert_eq!(out.len(), ours.len());
    }
    let (fm, km) = (median(f), median(k));
    let rss =
        |p: &str, a: &[&str]| peak_rss_kib(p, a).map_or("n/a".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "| {label} | {objects} | {:.1} ms | {:.1} ms | {:.1}x | {:.2} ms | {} | {} |",
        ms(fm),
        ms(km),
        km.as_secs_f64() / fm.as_secs_f64(),
        ms(median(inproc)),
        rss(ferry, &["render", dir]),
        rss("kubectl", &["kustomize", dir]),
    );
}

fn main() {
    println!(
        "| overlay | objects | ferry render (median of {RUNS}) | kubectl kustomize | ratio | in-process build | ferry peak RSS | kubectl peak RSS |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let s = tempfile::tempdir().unwrap();
    small(s.path());
    bench("small", s.path());
    let l = tempfile::tempdir().unwrap();
    large(l.path());
    bench("large", l.path());
}
