package oci

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/content/memory"
	"oras.land/oras-go/v2/content/oci"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/retry"
)

// Media types of the two OCI layouts.
const (
	// OPA's OCI downloader wants one gzipped-tarball layer holding the bundle.
	OPABundleLayerMediaType = ocispec.MediaTypeImageLayerGzip
	OPAConfigMediaType      = ocispec.MediaTypeImageConfig
	// conftest push/pull: one layer per Rego file, titled with its path.
	ConftestPolicyLayerMediaType = "application/vnd.cncf.openpolicyagent.policy.layer.v1+rego"
	ConftestConfigMediaType      = "application/vnd.unknown.config.v1+json"
)

// PushOptions configure a push.
type PushOptions struct {
	PlainHTTP bool // talk HTTP, not HTTPS (a local registry)
}

// ParseReference accepts oci://REGISTRY/REPO:TAG (the scheme is optional).
func ParseReference(ref string) (repository, tag string, err error) {
	ref = strings.TrimPrefix(ref, "oci://")
	slash := strings.Index(ref, "/")
	colon := strings.LastIndex(ref, ":")
	if slash < 0 || colon < slash {
		return "", "", fmt.Errorf("reference %q: want oci://REGISTRY/REPO:TAG", ref)
	}
	return ref[:colon], ref[colon+1:], nil
}

func repository(name string, opts PushOptions) (*remote.Repository, error) {
	repo, err := remote.NewRepository(name)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", name, err)
	}
	repo.PlainHTTP = opts.PlainHTTP
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("docker credentials: %w", err)
	}
	repo.Client = &auth.Client{Client: retry.DefaultClient, Cache: auth.NewCache(), Credential: credentials.Credential(store)}
	return repo, nil
}

type layer struct {
	mediaType, title string
	data             []byte
}

func push(ctx context.Context, ref string, configMediaType string, layers []layer, opts PushOptions) (ocispec.Descriptor, error) {
	name, tag, err := ParseReference(ref)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	repo, err := repository(name, opts)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	staging := memory.New()
	var descs []ocispec.Descriptor
	for _, l := range layers {
		d := content.NewDescriptorFromBytes(l.mediaType, l.data)
		d.Annotations = map[string]string{ocispec.AnnotationTitle: l.title}
		if err := staging.Push(ctx, d, strings.NewReader(string(l.data))); err != nil {
			return ocispec.Descriptor{}, fmt.Errorf("stage layer %s: %w", l.title, err)
		}
		descs = append(descs, d)
	}
	config := []byte("{}")
	configDesc := content.NewDescriptorFromBytes(configMediaType, config)
	if err := staging.Push(ctx, configDesc, strings.NewReader(string(config))); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("stage config: %w", err)
	}
	manifest, err := oras.PackManifest(ctx, staging, oras.PackManifestVersion1_0, "", oras.PackManifestOptions{
		Layers:           descs,
		ConfigDescriptor: &configDesc,
	})
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("pack manifest: %w", err)
	}
	if err := staging.Tag(ctx, manifest, tag); err != nil {
		return ocispec.Descriptor{}, err
	}
	if _, err := oras.Copy(ctx, staging, tag, repo, tag, oras.DefaultCopyOptions); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("push %s: %w", ref, err)
	}
	return manifest, nil
}

// PushOPA pushes a built bundle in the layout OPA's OCI downloader reads.
func PushOPA(ctx context.Context, ref string, bundleTarball []byte, opts PushOptions) (ocispec.Descriptor, error) {
	return push(ctx, ref, OPAConfigMediaType, []layer{{OPABundleLayerMediaType, "bundle.tar.gz", bundleTarball}}, opts)
}

// PushConftest pushes Rego modules in the layout `conftest pull` reads.
func PushConftest(ctx context.Context, ref string, modules map[string]string, opts PushOptions) (ocispec.Descriptor, error) {
	paths := slices.Sorted(maps.Keys(modules))
	layers := make([]layer, 0, len(paths))
	for _, p := range paths {
		layers = append(layers, layer{ConftestPolicyLayerMediaType, p, []byte(modules[p])})
	}
	return push(ctx, ref, ConftestConfigMediaType, layers, opts)
}

// PushLayout pushes what tag names in an OCI image layout directory (an
// image, or an index of per-platform images with everything below it) to
// ref, oci://REGISTRY/REPO:TAG.
func PushLayout(ctx context.Context, dir, tag, ref string, opts PushOptions) (ocispec.Descriptor, error) {
	src, err := oci.NewFromFS(ctx, os.DirFS(dir))
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("read OCI layout %s: %w", dir, err)
	}
	name, dstTag, err := ParseReference(ref)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	repo, err := repository(name, opts)
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	desc, err := oras.Copy(ctx, src, tag, repo, dstTag, oras.DefaultCopyOptions)
	if err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("push %s: %w", ref, err)
	}
	return desc, nil
}
