using Overlay.Images;
using Overlay.Layers;
using Overlay.Oci;

namespace Overlay.Benchmarks;

/// <summary>
/// Single runs of the extraction benchmarks' steps, for <c>strace -f -c</c> (docs/benchmarks.md,
/// "Extraction and image import"):
/// <code>
/// make-tar                               prints the path of the fixture tar (built on first use)
/// extract-once TAR DIR oci|kernel        TarLayer.Open + ExtractTo(DIR, form)
/// import-once TAR STORE durable|fast     ImageStore.Open(STORE) + AddImage([TarLayer])
/// </code>
/// </summary>
public static class OneShot
{
    public static bool TryRun(string[] args)
    {
        switch (args[0])
        {
            case "make-tar":
                Console.WriteLine(LayerTarFixture.Get());
                return true;
            case "extract-once" when args.Length == 4:
                using (var layer = TarLayer.Open(args[1]))
                {
                    layer.ExtractTo(args[2], args[3] == "kernel" ? WhiteoutForm.Kernel : WhiteoutForm.Oci);
                }

                return true;
            case "import-once" when args.Length == 4:
                using (var layer = TarLayer.Open(args[1]))
                using (var store = ImageStore.Open(args[2], new ImageStoreOptions { Durable = args[3] == "durable" }))
                {
                    Console.WriteLine(store.AddImage([layer]).Id);
                }

                return true;
            default:
                return false;
        }
    }
}
