//! Rendering Sources into Kubernetes objects.
