Console.WriteLine("bootstrap");
