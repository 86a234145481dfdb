export interface RenderOptions {
  /** Colour the text (decided once by the CLI, see shouldUseColor). */
  color: boolean;
}
