// A narrated walkthrough of how Docker stores a container with the overlay2 driver, replayed
// on real folders in a temporary directory: read-only image layers (the lowers), one writable
// container layer (the upper) with its work directory, the merged view that the container sees,
// and the copy-ups, whiteouts and opaque directories that writes leave in the upper, printed as
// they are on disk. Run it with: dotnet run --project samples/Walkthrough
// (add --keep to keep the folders afterwards and look at them yourself).
using Overlay.Samples.Walkthrough;

return SeedStory.Run(Console.Out, keep: args.Contains("--keep"));
