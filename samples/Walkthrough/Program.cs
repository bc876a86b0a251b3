// Placeholder: the walkthrough of layers, copy-up, whiteouts and opaque directories arrives here.
Console.WriteLine("Overlay walkthrough: coming soon.");
